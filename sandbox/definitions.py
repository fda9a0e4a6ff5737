"""Custom field definitions: `/custom-fields` (nodestash-api.md §12).

Sandbox choices where the docs are silent:

- `entity_type`, `name` and `field_type` are required on create; `name` is
  1-200 characters and `description` at most 1,000.
- Without a `slug` (or with `null`), one is derived from `name` as in §18.11:
  lowercase, each run of characters outside `[a-z0-9]` becomes `_`, outer `_`
  trimmed, `f_` prepended unless it starts with a letter, cut to 100. A clash
  on (`entity_type`, `slug`) is a 409, never a renamed slug.
- `options` is required for `select`/`multi_select`: 1-100 unique non-empty
  strings of at most 100 characters. Other types take only absent or `null`.
- PATCH may change `name`, `description`, `is_required`, `options` and
  `display_order`; sending `entity_type`, `slug` or `field_type` is a 400 on
  that field. Changing `options` leaves stored values as they are, even ones
  no longer among the options.
- `display_order` is a 32-bit signed integer, `0` by default.
- Deleting a definition removes its slug from the `custom_fields` of every
  entity of its type, without bumping their `updated_at`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sandbox.custom_values import ENTITY_TYPES
from sandbox.database import transaction
from sandbox.errors import Conflict
from sandbox.field_types import FIELD_TYPES, SELECT_TYPES
from sandbox.identifiers import new_id, now_timestamp
from sandbox.listing import Condition, Page, fetch_page, parse_list_params
from sandbox.tables import (
    COMPANIES,
    CONTACTS,
    DEFINITIONS,
    Workspace,
)
from sandbox.types import JsonObject
from sandbox.validation import (
    Checker,
    Invalid,
    Problems,
    boolean,
    choice,
    expected,
    integer,
    parse_body,
    read_fields,
    string_list,
    text,
)

__all__ = [
    "create_definition",
    "delete_definition",
    "derive_slug",
    "get_definition",
    "list_definitions",
    "update_definition",
]

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
SLUG_MAX_LENGTH = 100
_INT32 = 2**31
_ENTITY_TABLES = {"contact": CONTACTS, "company": COMPANIES}

_option_list = string_list(max_items=100, max_length=100, unique=True, min_items=1)


def _options(value: object) -> object:
    return None if value is None else _option_list(value)


def _slug(value: object) -> object:
    if value is None:
        return None
    if not isinstance(value, str):
        raise expected("string", value)
    if len(value) > SLUG_MAX_LENGTH or not SLUG_PATTERN.fullmatch(value):
        raise Invalid("Must match ^[a-z][a-z0-9_]*$ and be at most 100 characters")
    return value


def _immutable(value: object) -> object:
    raise Invalid("Cannot be changed after creation")


_MUTABLE: dict[str, Checker] = {
    "name": text(max_length=200, min_length=1, nullable=False),
    "description": text(max_length=1000),
    "is_required": boolean,
    "options": _options,
    "display_order": integer(minimum=-_INT32, maximum=_INT32 - 1),
}
_CREATE: dict[str, Checker] = _MUTABLE | {
    "entity_type": choice(ENTITY_TYPES),
    "slug": _slug,
    "field_type": choice(FIELD_TYPES),
}
_UPDATE: dict[str, Checker] = _MUTABLE | dict.fromkeys(
    ("entity_type", "slug", "field_type"), _immutable
)


def derive_slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug[:1].isalpha():
        slug = "f_" + slug
    return slug[:SLUG_MAX_LENGTH]


def _check_options(
    body: Mapping[str, object], *, field_type: object, problems: Problems
) -> None:
    """Options must accompany select types, and only them."""
    if not isinstance(field_type, str) or "options" in problems.fields:
        return
    if field_type in SELECT_TYPES and body.get("options") is None:
        problems.add("options", "Required for select and multi_select fields")
    elif field_type not in SELECT_TYPES and body.get("options") is not None:
        problems.add("options", "Only allowed for select and multi_select fields")


def _ensure_slug_free(workspace: Workspace, *, entity_type: str, slug: str) -> None:
    row = workspace.db.execute(
        "SELECT 1 FROM custom_field_definitions"
        " WHERE workspace_id = ? AND entity_type = ? AND slug = ?",
        (workspace.id, entity_type, slug),
    ).fetchone()
    if row is not None:
        raise Conflict(
            f"A custom field with slug '{slug}' already exists"
            f" for entity type '{entity_type}'"
        )


def create_definition(workspace: Workspace, raw_body: bytes) -> JsonObject:
    problems = Problems()
    body = parse_body(raw_body)
    values = read_fields(
        body,
        _CREATE,
        problems=problems,
        required=("entity_type", "name", "field_type"),
    )
    _check_options(body, field_type=values.get("field_type"), problems=problems)
    problems.raise_if_any()

    slug = str(values.get("slug") or derive_slug(str(values["name"])))
    entity_type = str(values["entity_type"])
    record_id, now = new_id("cf_"), now_timestamp()
    defaults: JsonObject = {"description": None, "is_required": False}
    row = defaults | {"options": None, "display_order": 0} | values
    row |= {"id": record_id, "slug": slug, "created_at": now, "updated_at": now}
    with transaction(workspace.db):
        _ensure_slug_free(workspace, entity_type=entity_type, slug=slug)
        DEFINITIONS.insert(workspace, row)
    return get_definition(workspace, record_id)


def get_definition(workspace: Workspace, definition_id: str) -> JsonObject:
    return DEFINITIONS.attributes(DEFINITIONS.require(workspace, definition_id))


def update_definition(
    workspace: Workspace, definition_id: str, *, raw_body: bytes
) -> JsonObject:
    current = DEFINITIONS.require(workspace, definition_id)
    problems = Problems()
    body = parse_body(raw_body)
    values = read_fields(body, _UPDATE, problems=problems)
    if "options" in body:
        _check_options(body, field_type=current["field_type"], problems=problems)
    problems.raise_if_any()

    if values:
        with transaction(workspace.db):
            changes = values | {"updated_at": now_timestamp()}
            DEFINITIONS.update(workspace, definition_id, values=changes)
    return get_definition(workspace, definition_id)


def delete_definition(workspace: Workspace, definition_id: str) -> None:
    row = DEFINITIONS.require(workspace, definition_id)
    table = _ENTITY_TABLES.get(row["entity_type"])
    path = f'$."{row["slug"]}"'
    with transaction(workspace.db):
        DEFINITIONS.delete(workspace, definition_id)
        if table is not None:
            workspace.db.execute(
                f"UPDATE {table.name} SET custom_fields = json_remove(custom_fields, ?)"
                " WHERE workspace_id = ? AND json_type(custom_fields, ?) IS NOT NULL",
                (path, workspace.id, path),
            )


def list_definitions(
    workspace: Workspace, query: Mapping[str, str], *, default_limit: int
) -> Page:
    problems = Problems()
    params = parse_list_params(
        query, table=DEFINITIONS, default_limit=default_limit, problems=problems
    )
    conditions = []
    entity_type = query.get("entity_type")
    if entity_type:
        if entity_type not in ENTITY_TYPES:
            problems.add("entity_type", f"Expected one of {', '.join(ENTITY_TYPES)}")
        conditions.append(Condition("entity_type = ?", (entity_type,)))
    problems.raise_if_any()
    return fetch_page(workspace, DEFINITIONS, conditions=conditions, params=params)
