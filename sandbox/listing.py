"""List requests: `limit`, `sort`, cursors and keyset pagination in SQL.

`limit` is an integer from 1 to 100 (default: the `default_limit` setting);
anything else is a 400 on `limit`. `sort` lists fields, `-` for descending;
an unknown or repeated field is a 400 on `sort`. Rows are ordered by the
sort fields, then by `id` ascending as the final tie-breaker. Text sorts in
code point order (capitals before lowercase). NULLs sort last whether a
field is ascending or descending.

A cursor is base64url (no padding) of a JSON object holding the last row's
stored value of every sort field, then its `id`; for the default sort that
is `{"created_at": ..., "id": ...}` as in the docs' examples (timestamps
with microseconds, see `sandbox.identifiers`). A cursor only fits the sort
it was made for: any other shape is a 400 on `cursor`. Each page is one
query that seeks past the cursor (no OFFSET), so pages never skip or repeat
rows while the data stays unchanged.
"""

from __future__ import annotations

import base64
import binascii
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import orjson

from sandbox.tables import Table, Workspace
from sandbox.types import JsonObject
from sandbox.validation import Problems

__all__ = [
    "Condition",
    "ListParams",
    "Page",
    "SortKey",
    "decode_cursor",
    "encode_cursor",
    "fetch_page",
    "parse_list_params",
]

MAX_LIMIT = 100
DEFAULT_SORT = "-created_at"
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True, slots=True)
class Condition:
    """A SQL boolean expression over the resource's table, with parameters."""

    sql: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ListParams:
    limit: int
    sort: tuple[SortKey, ...]
    after: JsonObject | None


@dataclass(frozen=True, slots=True)
class Page:
    items: list[JsonObject]
    next_cursor: str | None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


def parse_list_params(
    query: Mapping[str, str],
    *,
    table: Table,
    default_limit: int,
    problems: Problems,
) -> ListParams:
    """The `limit`, `sort` and `cursor` of a list request, checked."""
    limit = _parse_limit(query.get("limit"), default=default_limit, problems=problems)
    sort = _parse_sort(
        query.get("sort") or DEFAULT_SORT, table=table, problems=problems
    )
    after = None
    if "cursor" in query and sort is not None:
        after = decode_cursor(query["cursor"], table=table, sort=sort)
        if after is None:
            problems.add("cursor", "Invalid cursor")
    return ListParams(limit=limit, sort=sort or (), after=after)


def _parse_limit(raw: str | None, *, default: int, problems: Problems) -> int:
    if raw is None:
        return default
    if _DIGITS.fullmatch(raw) and 1 <= int(raw) <= MAX_LIMIT:
        return int(raw)
    problems.add("limit", f"Expected an integer between 1 and {MAX_LIMIT}")
    return default


def _parse_sort(
    raw: str, *, table: Table, problems: Problems
) -> tuple[SortKey, ...] | None:
    keys = tuple(
        SortKey(part.removeprefix("-"), part.startswith("-")) for part in raw.split(",")
    )
    fields = [key.field for key in keys]
    unknown = [field for field in fields if field not in table.sortable]
    if unknown:
        allowed = ", ".join(table.sortable)
        problems.add("sort", f"Invalid sort field '{unknown[0]}'; allowed: {allowed}")
        return None
    if len(set(fields)) != len(fields):
        problems.add("sort", "Each sort field may appear only once")
        return None
    return keys


def encode_cursor(values: JsonObject) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).rstrip(b"=").decode()


def decode_cursor(
    raw: str, *, table: Table, sort: Sequence[SortKey]
) -> JsonObject | None:
    """The row values a cursor carries, or None if it does not fit `sort`."""
    try:
        data = base64.b64decode(
            raw.encode("ascii") + b"=" * (-len(raw) % 4), b"-_", validate=True
        )
        values = orjson.loads(data)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, dict) or not _fits(values, table=table, sort=sort):
        return None
    return values


def _fits(values: JsonObject, *, table: Table, sort: Sequence[SortKey]) -> bool:
    fields = [key.field for key in sort]
    if list(values) != [*fields, "id"] or not isinstance(values["id"], str):
        return False
    return all(_fits_type(values[f], table=table, field=f) for f in fields)


def _fits_type(value: object, *, table: Table, field: str) -> bool:
    if value is None:
        return field in table.nullable
    expected = table.sortable[field]
    if isinstance(value, bool) or not isinstance(value, expected):
        return False
    # SQLite binds integers as signed 64-bit.
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def fetch_page(
    workspace: Workspace,
    table: Table,
    *,
    conditions: Sequence[Condition],
    params: ListParams,
) -> Page:
    """One page of `table` rows matching every condition, after the cursor."""
    where = [Condition("workspace_id = ?", (workspace.id,)), *conditions]
    if params.after is not None:
        where.append(_seek(params.sort, params.after, table=table))
    sql = (
        f"SELECT * FROM {table.name}"
        f" WHERE {' AND '.join(c.sql for c in where)}"
        f" ORDER BY {_order_by(params.sort)} LIMIT ?"
    )
    args = [arg for c in where for arg in c.params]
    rows = workspace.db.execute(sql, [*args, params.limit + 1]).fetchall()
    page = rows[: params.limit]
    more = len(rows) > params.limit
    cursor = _next_cursor(page[-1], params.sort) if more else None
    return Page([table.attributes(row) for row in page], cursor)


def _order_by(sort: Sequence[SortKey]) -> str:
    terms = [
        f"{key.field} {'DESC' if key.descending else 'ASC'} NULLS LAST" for key in sort
    ]
    return ", ".join([*terms, "id ASC"])


def _next_cursor(last: sqlite3.Row, sort: Sequence[SortKey]) -> str:
    return encode_cursor(
        {key.field: last[key.field] for key in sort} | {"id": last["id"]}
    )


def _seek(sort: Sequence[SortKey], after: JsonObject, *, table: Table) -> Condition:
    """Rows strictly after the cursor row in the (sort..., id) order."""
    branches: list[Condition] = []
    equal: list[Condition] = []
    for key in (*sort, SortKey("id", descending=False)):
        value = after[key.field]
        beyond = _beyond(key, value, nullable=key.field in table.nullable)
        if beyond is not None:
            branches.append(_all_of([*equal, beyond]))
        equal.append(Condition(f"{key.field} IS ?", (value,)))
    seek = _any_of(branches)
    bound = _leading_bound(sort[0], after, table=table) if sort else None
    return seek if bound is None else _all_of([bound, seek])


def _beyond(key: SortKey, value: object, *, nullable: bool) -> Condition | None:
    """Rows past `value` in this key alone; None when nothing can be."""
    if value is None:
        return None  # NULLs sort last: no row is past a NULL
    operator = "<" if key.descending else ">"
    nulls = f" OR {key.field} IS NULL" if nullable else ""
    return Condition(f"({key.field} {operator} ?{nulls})", (value,))


def _leading_bound(
    key: SortKey, after: JsonObject, *, table: Table
) -> Condition | None:
    # A plain range on the first key lets SQLite seek in its index instead of
    # testing the OR of branches against every row.
    if key.field in table.nullable:
        return None
    operator = "<=" if key.descending else ">="
    return Condition(f"{key.field} {operator} ?", (after[key.field],))


def _all_of(conditions: Sequence[Condition]) -> Condition:
    sql = " AND ".join(c.sql for c in conditions)
    return Condition(f"({sql})", tuple(p for c in conditions for p in c.params))


def _any_of(conditions: Sequence[Condition]) -> Condition:
    sql = " OR ".join(c.sql for c in conditions)
    return Condition(f"({sql})", tuple(p for c in conditions for p in c.params))
