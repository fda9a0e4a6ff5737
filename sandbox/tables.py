"""How each resource maps onto its SQLite table, and the row operations.

`custom_fields`, `tags` and `options` are stored as JSON text; booleans as
0/1. Every statement is scoped to one workspace, so an id from another
workspace behaves exactly like an unknown id.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from sandbox.errors import NotFound
from sandbox.identifiers import public_timestamp
from sandbox.types import JsonObject

__all__ = ["COMPANIES", "CONTACTS", "DEFINITIONS", "Table", "Workspace"]


@dataclass(frozen=True, slots=True)
class Workspace:
    """The tenant a request acts for, the store's connection, the key's scopes."""

    db: sqlite3.Connection
    id: str
    scopes: frozenset[str] = frozenset({"*"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """One resource's table: its columns, envelope type and sortable fields."""

    name: str
    type_name: str
    label: str
    columns: tuple[str, ...]
    json_columns: frozenset[str] = frozenset()
    bool_columns: frozenset[str] = frozenset()
    # Sort field -> the Python type of its values, as carried in cursors.
    sortable: Mapping[str, type]
    nullable: frozenset[str] = frozenset()
    timestamp_columns: frozenset[str] = frozenset({"created_at", "updated_at"})

    def attributes(self, row: sqlite3.Row) -> JsonObject:
        """The row as the resource's `attributes` object."""
        return {column: self._decode(column, row[column]) for column in self.columns}

    def encode(self, column: str, value: object) -> object:
        if column in self.json_columns and value is not None:
            return orjson.dumps(value).decode()
        if column in self.bool_columns:
            return int(bool(value))
        return value

    def _decode(self, column: str, value: object) -> object:
        if column in self.timestamp_columns and isinstance(value, str):
            return public_timestamp(value)
        if column in self.json_columns and isinstance(value, str):
            return orjson.loads(value)
        if column in self.bool_columns:
            return bool(value)
        return value

    def fetch(self, workspace: Workspace, record_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = workspace.db.execute(
            f"SELECT * FROM {self.name} WHERE workspace_id = ? AND id = ?",
            (workspace.id, record_id),
        ).fetchone()
        return row

    def require(self, workspace: Workspace, record_id: str) -> sqlite3.Row:
        """The row with `record_id`, or 404 (wrong prefixes never match an id)."""
        row = self.fetch(workspace, record_id)
        if row is None:
            raise NotFound(f"{self.label} not found")
        return row

    def insert(self, workspace: Workspace, values: Mapping[str, object]) -> None:
        columns = ["workspace_id", *values]
        params = [workspace.id, *(self.encode(c, v) for c, v in values.items())]
        marks = ", ".join("?" for _ in columns)
        workspace.db.execute(
            f"INSERT INTO {self.name} ({', '.join(columns)}) VALUES ({marks})", params
        )

    def update(
        self, workspace: Workspace, record_id: str, *, values: Mapping[str, object]
    ) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        params = [self.encode(c, v) for c, v in values.items()]
        workspace.db.execute(
            f"UPDATE {self.name} SET {assignments} WHERE workspace_id = ? AND id = ?",
            [*params, workspace.id, record_id],
        )

    def delete(self, workspace: Workspace, record_id: str) -> None:
        workspace.db.execute(
            f"DELETE FROM {self.name} WHERE workspace_id = ? AND id = ?",
            (workspace.id, record_id),
        )


_TIMESTAMPS = {"created_at": str, "updated_at": str}

CONTACTS = Table(
    name="contacts",
    type_name="contact",
    label="Contact",
    columns=(
        "id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "company_id",
        "title",
        "source",
        "custom_fields",
        "tags",
        "created_at",
        "updated_at",
    ),
    json_columns=frozenset({"custom_fields", "tags"}),
    sortable=_TIMESTAMPS | {"email": str, "first_name": str, "last_name": str},
    nullable=frozenset({"email", "first_name", "last_name"}),
)

COMPANIES = Table(
    name="companies",
    type_name="company",
    label="Company",
    columns=(
        "id",
        "name",
        "domain",
        "industry",
        "size",
        "custom_fields",
        "tags",
        "created_at",
        "updated_at",
    ),
    json_columns=frozenset({"custom_fields", "tags"}),
    sortable=_TIMESTAMPS | {"name": str, "domain": str},
    nullable=frozenset({"domain"}),
)

DEFINITIONS = Table(
    name="custom_field_definitions",
    type_name="custom_field_definition",
    label="Custom field definition",
    columns=(
        "id",
        "entity_type",
        "name",
        "slug",
        "field_type",
        "description",
        "is_required",
        "options",
        "display_order",
        "created_at",
        "updated_at",
    ),
    json_columns=frozenset({"options"}),
    bool_columns=frozenset({"is_required"}),
    sortable=_TIMESTAMPS | {"name": str, "display_order": int},
)
