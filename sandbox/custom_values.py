"""Custom field values: checking, merging, and the per-entity values endpoint.

An entity's values live in its `custom_fields` column, so the entity's
`custom_fields` map and `GET/PUT /{entity_type}/{entity_id}/custom-fields`
read and write the same data (nodestash-api.md §18.12). Sandbox choices
where the docs are silent:

- A `null` value removes the key, on PUT `fields` as on create/PATCH
  `custom_fields` (so it is never stored).
- On the entity path a key with no definition is stored as given (the docs'
  guides write such keys); a key with a definition is type-checked. On the
  values endpoint a key must have a definition.
- `is_required` is not enforced.
- The values endpoint lists every value of the entity that has a definition
  (both on GET and after PUT), ordered by `display_order`, then `slug`;
  values without a definition appear only in `custom_fields`.
- `deals` and `activities` are valid path types, but the sandbox keeps no
  deal or activity records, so those paths answer 404 for every id.
- A PUT with at least one field bumps the entity's `updated_at`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from sandbox.database import transaction
from sandbox.errors import NotFound
from sandbox.field_types import value_problem
from sandbox.identifiers import derived_id, now_timestamp
from sandbox.tables import (
    COMPANIES,
    CONTACTS,
    Table,
    Workspace,
)
from sandbox.types import JsonObject
from sandbox.validation import Problems, json_object, parse_body, read_fields

__all__ = [
    "ENTITY_TYPES",
    "VALUE_TYPE",
    "Definition",
    "check_values",
    "load_definitions",
    "merge_values",
    "read_values",
    "write_values",
]

ENTITY_TYPES = ("contact", "company", "deal", "activity")
VALUE_TYPE = "custom_field_value"

_ENTITY_PATHS: dict[str, tuple[Table, str]] = {
    "contacts": (CONTACTS, "contact"),
    "companies": (COMPANIES, "company"),
}
_RECORDLESS_PATHS = {"deals": "Deal", "activities": "Activity"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Definition:
    """What a value needs to know about its custom field definition."""

    id: str
    slug: str
    name: str
    field_type: str
    options: tuple[str, ...] | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Definition:
        options = None if row["options"] is None else orjson.loads(row["options"])
        return cls(
            id=row["id"],
            slug=row["slug"],
            name=row["name"],
            field_type=row["field_type"],
            options=None if options is None else tuple(options),
        )


def load_definitions(workspace: Workspace, entity_type: str) -> dict[str, Definition]:
    """The entity type's definitions by slug, in display order."""
    rows = workspace.db.execute(
        "SELECT * FROM custom_field_definitions"
        " WHERE workspace_id = ? AND entity_type = ?"
        " ORDER BY display_order, slug",
        (workspace.id, entity_type),
    )
    return {row["slug"]: Definition.from_row(row) for row in rows}


def check_values(
    values: Mapping[str, object],
    definitions: Mapping[str, Definition],
    *,
    prefix: str,
    problems: Problems,
    require_definition: bool,
) -> None:
    """Record a `<prefix>.<slug>` error for each value its definition refuses."""
    for slug, value in values.items():
        definition = definitions.get(slug)
        if value is None:
            continue
        if definition is None:
            if require_definition:
                problems.add(f"{prefix}.{slug}", "Unknown custom field")
            continue
        message = value_problem(
            field_type=definition.field_type, options=definition.options, value=value
        )
        if message is not None:
            problems.add(f"{prefix}.{slug}", message)


def merge_values(
    current: Mapping[str, object], updates: Mapping[str, object]
) -> JsonObject:
    """`current` with `updates` applied; a `None` update removes the key."""
    merged = dict(current)
    for slug, value in updates.items():
        if value is None:
            merged.pop(slug, None)
        else:
            merged[slug] = value
    return merged


def _value_resources(
    entity_id: str,
    *,
    stored: Mapping[str, object],
    definitions: Mapping[str, Definition],
) -> list[JsonObject]:
    return [
        {
            "id": derived_id("cfv_", entity_id, definition.id),
            "field_definition_id": definition.id,
            "slug": definition.slug,
            "name": definition.name,
            "field_type": definition.field_type,
            "value": stored[slug],
        }
        for slug, definition in definitions.items()
        if slug in stored
    ]


def _resolve(
    workspace: Workspace, *, entity_path: str, entity_id: str
) -> tuple[Table, str, sqlite3.Row]:
    if entity_path in _RECORDLESS_PATHS:
        raise NotFound(f"{_RECORDLESS_PATHS[entity_path]} not found")
    if entity_path not in _ENTITY_PATHS:
        raise NotFound("Route not found")
    table, entity_type = _ENTITY_PATHS[entity_path]
    return table, entity_type, table.require(workspace, entity_id)


def _stored_values(row: sqlite3.Row) -> JsonObject:
    stored = orjson.loads(row["custom_fields"])
    return stored if isinstance(stored, dict) else {}


def read_values(
    workspace: Workspace, *, entity_path: str, entity_id: str
) -> list[JsonObject]:
    """The entity's values that have a definition, as value attributes."""
    _, entity_type, row = _resolve(
        workspace, entity_path=entity_path, entity_id=entity_id
    )
    definitions = load_definitions(workspace, entity_type)
    stored = _stored_values(row)
    return _value_resources(entity_id, stored=stored, definitions=definitions)


def _checked_fields(
    raw_body: bytes, definitions: Mapping[str, Definition]
) -> JsonObject:
    """The body's `fields`, each checked against its definition, or one 400."""
    problems = Problems()
    body = read_fields(
        parse_body(raw_body),
        {"fields": json_object},
        problems=problems,
        required=("fields",),
    )
    fields = body.get("fields")
    updates: JsonObject = fields if isinstance(fields, dict) else {}
    check_values(
        updates,
        definitions,
        prefix="fields",
        problems=problems,
        require_definition=True,
    )
    problems.raise_if_any()
    return updates


def write_values(
    workspace: Workspace, *, entity_path: str, entity_id: str, raw_body: bytes
) -> list[JsonObject]:
    """Merge the body's `fields` into the entity's values; return them all."""
    table, entity_type, row = _resolve(
        workspace, entity_path=entity_path, entity_id=entity_id
    )
    definitions = load_definitions(workspace, entity_type)
    updates = _checked_fields(raw_body, definitions)

    stored = _stored_values(row)
    if updates:
        with transaction(workspace.db):
            current = table.require(workspace, entity_id)
            stored = merge_values(_stored_values(current), updates)
            changes = {"custom_fields": stored, "updated_at": now_timestamp()}
            table.update(workspace, entity_id, values=changes)
    return _value_resources(entity_id, stored=stored, definitions=definitions)
