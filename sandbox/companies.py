"""Companies: `/companies` and `/companies/{id}` (nodestash-api.md §11).

Sandbox choices where the docs are silent:

- `name` is required on create (1-200 characters) and cannot be `null`.
- Domain uniqueness ignores case; `null` domains never clash. A domain is
  any string of at most 255 characters.
- Checks run in this order: path id (404), body (400), domain uniqueness
  (409). A PATCH that sends at least one field bumps `updated_at`. As for
  contacts, the uniqueness check, the `custom_fields` merge and the write
  share one transaction.
- `include` takes `contacts`, `contact_count` or both, comma-separated.
  `contacts` embeds at most 100 contact attribute objects, newest first
  (page through `GET /contacts?company_id=...` for more).
- Deleting a company sets `company_id` to `null` on its contacts and bumps
  their `updated_at` (nodestash-api.md §18.13).
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
from sandbox.errors import Conflict
from sandbox.identifiers import new_id, now_timestamp
from sandbox.listing import Page, fetch_page, parse_list_params
from sandbox.tables import (
    COMPANIES,
    CONTACTS,
    Workspace,
)
from sandbox.types import JsonObject
from sandbox.validation import Checker, Problems, json_object, text

__all__ = [
    "create_company",
    "delete_company",
    "get_company",
    "list_companies",
    "update_company",
]

EMBEDDED_CONTACTS_LIMIT = 100

_FIELDS: dict[str, Checker] = {
    "name": text(max_length=200, min_length=1, nullable=False),
    "domain": text(max_length=255),
    "industry": text(max_length=100),
    "size": text(max_length=50),
    "custom_fields": json_object,
    "tags": TAGS,
}
_EMPTY: JsonObject = dict.fromkeys(_FIELDS) | {"custom_fields": {}, "tags": []}


def _ensure_domain_free(
    workspace: Workspace, domain: object, *, company_id: str
) -> None:
    if not isinstance(domain, str):
        return
    row = workspace.db.execute(
        "SELECT 1 FROM companies WHERE workspace_id = ? AND domain_key = ? AND id != ?",
        (workspace.id, fold(domain), company_id),
    ).fetchone()
    if row is not None:
        raise Conflict(
            f"A company with domain '{domain}' already exists in this workspace"
        )


def _read_body(workspace: Workspace, raw_body: bytes, *, creating: bool) -> JsonObject:
    values = read_entity_body(
        workspace,
        raw_body,
        checkers=_FIELDS,
        entity_type="company",
        required=("name",) if creating else (),
    )
    if "domain" in values:
        domain = values["domain"]
        values["domain_key"] = fold(domain) if isinstance(domain, str) else None
    return values


def create_company(workspace: Workspace, raw_body: bytes) -> JsonObject:
    company_id = new_id("co_")
    values = _read_body(workspace, raw_body, creating=True)

    now = now_timestamp()
    row = _EMPTY | values | {"custom_fields": stored_custom_fields(None, values)}
    row |= {"id": company_id, "created_at": now, "updated_at": now}
    with transaction(workspace.db):
        _ensure_domain_free(workspace, values.get("domain"), company_id=company_id)
        COMPANIES.insert(workspace, row)
    return get_company(workspace, company_id, query={})


def update_company(
    workspace: Workspace, company_id: str, *, raw_body: bytes
) -> JsonObject:
    COMPANIES.require(workspace, company_id)
    values = _read_body(workspace, raw_body, creating=False)

    if values:
        with transaction(workspace.db):
            current = COMPANIES.require(workspace, company_id)
            _ensure_domain_free(workspace, values.get("domain"), company_id=company_id)
            if "custom_fields" in values:
                values["custom_fields"] = stored_custom_fields(current, values)
            changes = values | {"updated_at": now_timestamp()}
            COMPANIES.update(workspace, company_id, values=changes)
    return get_company(workspace, company_id, query={})


def get_company(
    workspace: Workspace, company_id: str, *, query: Mapping[str, str]
) -> JsonObject:
    row = COMPANIES.require(workspace, company_id)
    problems = Problems()
    allowed = ("contacts", "contact_count")
    includes = parse_include(query, allowed=allowed, problems=problems)
    problems.raise_if_any()

    attributes = COMPANIES.attributes(row)
    if "contacts" in includes:
        attributes["contacts"] = _embedded_contacts(workspace, company_id)
    if "contact_count" in includes:
        attributes["contact_count"] = _contact_count(workspace, company_id)
    return attributes


def _embedded_contacts(workspace: Workspace, company_id: str) -> list[JsonObject]:
    rows = workspace.db.execute(
        "SELECT * FROM contacts WHERE workspace_id = ? AND company_id = ?"
        " ORDER BY created_at DESC, id ASC LIMIT ?",
        (workspace.id, company_id, EMBEDDED_CONTACTS_LIMIT),
    )
    return [CONTACTS.attributes(row) for row in rows]


def _contact_count(workspace: Workspace, company_id: str) -> int:
    row = workspace.db.execute(
        "SELECT count(*) FROM contacts WHERE workspace_id = ? AND company_id = ?",
        (workspace.id, company_id),
    ).fetchone()
    return int(row[0])


def delete_company(workspace: Workspace, company_id: str) -> None:
    COMPANIES.require(workspace, company_id)
    with transaction(workspace.db):
        workspace.db.execute(
            "UPDATE contacts SET company_id = NULL, updated_at = ?"
            " WHERE workspace_id = ? AND company_id = ?",
            (now_timestamp(), workspace.id, company_id),
        )
        COMPANIES.delete(workspace, company_id)


def list_companies(
    workspace: Workspace, query: Mapping[str, str], *, default_limit: int
) -> Page:
    problems = Problems()
    params = parse_list_params(
        query, table=COMPANIES, default_limit=default_limit, problems=problems
    )
    problems.raise_if_any()

    conditions = filter_conditions(
        query,
        table=COMPANIES,
        substring=("name", "domain", "industry"),
        exact=("size",),
    )
    return fetch_page(workspace, COMPANIES, conditions=conditions, params=params)
