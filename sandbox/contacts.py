"""Contacts: `/contacts` and `/contacts/{id}` (nodestash-api.md §10).

Sandbox choices where the docs are silent:

- Every field is optional on create and may be sent as `null` (except `tags`
  and `custom_fields`, which are never null). An empty body creates an empty
  contact.
- Email uniqueness ignores case; `null` emails never clash.
- Checks run in this order: path id (404), body (400), `company_id` (422),
  email uniqueness (409). The uniqueness check and the write share one
  transaction, and a PATCH merges `custom_fields` into the map as stored
  at that moment, so concurrent writers (other processes on the same file
  included) never create duplicates or lose each other's changes.
- A PATCH that sends at least one field bumps `updated_at`, even when the
  values are unchanged; an empty PATCH changes nothing.
- `include=company` embeds the company's attributes object, or `null`.
- Deleting a contact deletes its custom field values with it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sandbox.database import fold, transaction
from sandbox.entities import (
    TAGS,
    filter_conditions,
    parse_include,
    read_entity_body,
    stored_custom_fields,
)
from sandbox.errors import Conflict, Unprocessable
from sandbox.identifiers import new_id, now_timestamp
from sandbox.listing import Condition, Page, fetch_page, parse_list_params
from sandbox.tables import (
    COMPANIES,
    CONTACTS,
    Workspace,
)
from sandbox.types import FieldError, JsonObject
from sandbox.validation import Checker, Problems, email, json_object, text

__all__ = [
    "create_contact",
    "delete_contact",
    "get_contact",
    "list_contacts",
    "update_contact",
]

_FIELDS: dict[str, Checker] = {
    "email": email,
    "first_name": text(max_length=100),
    "last_name": text(max_length=100),
    "phone": text(max_length=50),
    "company_id": text(max_length=100),
    "title": text(max_length=200),
    "source": text(max_length=100),
    "custom_fields": json_object,
    "tags": TAGS,
}
_EMPTY: JsonObject = dict.fromkeys(_FIELDS) | {"custom_fields": {}, "tags": []}


def _ensure_company_exists(workspace: Workspace, company_id: object) -> None:
    if not isinstance(company_id, str) or COMPANIES.fetch(workspace, company_id):
        return
    message = f"Company '{company_id}' does not exist in this workspace"
    raise Unprocessable(message, details=[FieldError("company_id", message)])


def _ensure_email_free(
    workspace: Workspace, address: object, *, contact_id: str
) -> None:
    if not isinstance(address, str):
        return
    row = workspace.db.execute(
        "SELECT 1 FROM contacts WHERE workspace_id = ? AND email_key = ? AND id != ?",
        (workspace.id, fold(address), contact_id),
    ).fetchone()
    if row is not None:
        raise Conflict(
            f"A contact with email '{address}' already exists in this workspace"
        )


def _read_body(workspace: Workspace, raw_body: bytes) -> JsonObject:
    values = read_entity_body(
        workspace, raw_body, checkers=_FIELDS, entity_type="contact"
    )
    if "company_id" in values:
        _ensure_company_exists(workspace, values["company_id"])
    if "email" in values:
        address = values["email"]
        values["email_key"] = fold(address) if isinstance(address, str) else None
    return values


def create_contact(workspace: Workspace, raw_body: bytes) -> JsonObject:
    contact_id = new_id("ct_")
    values = _read_body(workspace, raw_body)

    now = now_timestamp()
    row = _EMPTY | values | {"custom_fields": stored_custom_fields(None, values)}
    row |= {"id": contact_id, "created_at": now, "updated_at": now}
    with transaction(workspace.db):
        _ensure_email_free(workspace, values.get("email"), contact_id=contact_id)
        CONTACTS.insert(workspace, row)
    return get_contact(workspace, contact_id, query={})


def update_contact(
    workspace: Workspace, contact_id: str, *, raw_body: bytes
) -> JsonObject:
    CONTACTS.require(workspace, contact_id)
    values = _read_body(workspace, raw_body)

    if values:
        with transaction(workspace.db):
            current = CONTACTS.require(workspace, contact_id)
            _ensure_email_free(workspace, values.get("email"), contact_id=contact_id)
            if "custom_fields" in values:
                values["custom_fields"] = stored_custom_fields(current, values)
            changes = values | {"updated_at": now_timestamp()}
            CONTACTS.update(workspace, contact_id, values=changes)
    return get_contact(workspace, contact_id, query={})


def get_contact(
    workspace: Workspace, contact_id: str, *, query: Mapping[str, str]
) -> JsonObject:
    row = CONTACTS.require(workspace, contact_id)
    problems = Problems()
    includes = parse_include(query, allowed=("company",), problems=problems)
    problems.raise_if_any()

    attributes = CONTACTS.attributes(row)
    if "company" in includes:
        attributes["company"] = _embedded_company(workspace, row["company_id"])
    return attributes


def _embedded_company(
    workspace: Workspace, company_id: str | None
) -> JsonObject | None:
    company = None if company_id is None else COMPANIES.fetch(workspace, company_id)
    return None if company is None else COMPANIES.attributes(company)


def delete_contact(workspace: Workspace, contact_id: str) -> None:
    CONTACTS.require(workspace, contact_id)
    with transaction(workspace.db):
        CONTACTS.delete(workspace, contact_id)


def list_contacts(
    workspace: Workspace, query: Mapping[str, str], *, default_limit: int
) -> Page:
    problems = Problems()
    params = parse_list_params(
        query, table=CONTACTS, default_limit=default_limit, problems=problems
    )
    company_id = query.get("company_id")
    if company_id and not company_id.startswith("co_"):
        problems.add("company_id", "Expected a company id starting with 'co_'")
    problems.raise_if_any()

    conditions: list[Condition] = filter_conditions(
        query,
        table=CONTACTS,
        substring=("email", "first_name", "last_name"),
        exact=("company_id", "source"),
    )
    return fetch_page(workspace, CONTACTS, conditions=conditions, params=params)
