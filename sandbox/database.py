"""The SQLite store: one connection, its tables and indexes, and transactions.

One connection serves the whole app. Handlers are `async` and never await
while they use it, so statements of different requests never interleave and
every request sees a consistent store. Text columns compare in code point
order (SQLite's BINARY collation); `fold()` is Python's `str.lower`, used for
case-insensitive filters and uniqueness keys because SQLite's own `lower()`
only folds ASCII.

A file database runs in WAL mode and waits up to five seconds for another
connection's lock, so several processes may share one file. A file made by
an older sandbox gets the columns it lacks when it is opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import orjson

__all__ = ["ApiKey", "Store", "fold", "transaction"]

_TABLES = """
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    plan TEXT NOT NULL DEFAULT 'sandbox',
    daily_limit INTEGER,
    burst_limit INTEGER
);
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    scopes TEXT NOT NULL DEFAULT '["*"]'
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    workspace_id TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (workspace_id, method, path, key)
);
CREATE TABLE IF NOT EXISTS companies (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    domain TEXT,
    domain_key TEXT,
    industry TEXT,
    size TEXT,
    custom_fields TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contacts (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    email TEXT,
    email_key TEXT,
    first_name TEXT,
    last_name TEXT,
    phone TEXT,
    company_id TEXT,
    title TEXT,
    source TEXT,
    custom_fields TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS custom_field_definitions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    field_type TEXT NOT NULL,
    description TEXT,
    is_required INTEGER NOT NULL,
    options TEXT,
    display_order INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

# The default sort and `-updated_at` polling walk these indexes in order, so a
# page costs the same at row 100,000 as at row 1.
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS companies_domain
    ON companies (workspace_id, domain_key) WHERE domain_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS companies_created
    ON companies (workspace_id, created_at DESC, id);
CREATE INDEX IF NOT EXISTS companies_updated
    ON companies (workspace_id, updated_at DESC, id);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_email
    ON contacts (workspace_id, email_key) WHERE email_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS contacts_created
    ON contacts (workspace_id, created_at DESC, id);
CREATE INDEX IF NOT EXISTS contacts_updated
    ON contacts (workspace_id, updated_at DESC, id);
CREATE INDEX IF NOT EXISTS contacts_company
    ON contacts (workspace_id, company_id, created_at DESC, id);
CREATE UNIQUE INDEX IF NOT EXISTS definitions_slug
    ON custom_field_definitions (workspace_id, entity_type, slug);
CREATE INDEX IF NOT EXISTS idempotency_age ON idempotency_keys (created_at);
"""

# Columns added after the first release: (table, column, declaration).
_ADDED_COLUMNS = (
    ("workspaces", "plan", "TEXT NOT NULL DEFAULT 'sandbox'"),
    ("workspaces", "daily_limit", "INTEGER"),
    ("workspaces", "burst_limit", "INTEGER"),
    ("api_keys", "scopes", "TEXT NOT NULL DEFAULT '[\"*\"]'"),
)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """What an API key grants: its workspace and its scopes."""

    workspace_id: str
    scopes: frozenset[str]


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block's statements atomically on an autocommit connection."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def fold(value: str | None) -> str | None:
    return None if value is None else value.lower()


class Store:
    """The sandbox's SQLite database, shared by every workspace."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def open(cls, database: str) -> Store:
        """Open (or create) the database at `database` and install the schema."""
        # One connection, used from the event loop thread only; the flag lets
        # the app be built on one thread and served from another.
        connection = sqlite3.connect(
            database, isolation_level=None, check_same_thread=False, timeout=5.0
        )
        connection.row_factory = sqlite3.Row
        connection.create_function("fold", 1, fold, deterministic=True)
        if database != ":memory:":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(_TABLES)
        _add_missing_columns(connection)
        connection.executescript(_INDEXES)
        return cls(connection)

    def api_key(self, api_key: str) -> ApiKey | None:
        """The workspace and scopes of `api_key`, or None for an unknown key."""
        row = self.connection.execute(
            "SELECT workspace_id, scopes FROM api_keys WHERE key = ?", (api_key,)
        ).fetchone()
        if row is None:
            return None
        return ApiKey(str(row["workspace_id"]), frozenset(orjson.loads(row["scopes"])))

    def holds_records(self) -> bool:
        """Whether any workspace has a contact, company or definition."""
        row = self.connection.execute(
            "SELECT EXISTS (SELECT 1 FROM contacts)"
            " OR EXISTS (SELECT 1 FROM companies)"
            " OR EXISTS (SELECT 1 FROM custom_field_definitions)"
        ).fetchone()
        return bool(row[0])

    def close(self) -> None:
        self.connection.close()


def _add_missing_columns(connection: sqlite3.Connection) -> None:
    for table, column, declaration in _ADDED_COLUMNS:
        present = {
            row["name"] for row in connection.execute(f"PRAGMA table_info({table})")
        }
        if column not in present:
            connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
