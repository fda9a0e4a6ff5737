"""What contacts and companies share: tags, custom fields, filters, includes.

Sandbox choices where the docs are silent:

- Tags are non-empty strings; repeated tags are stored once, in first-seen
  order.
- `custom_fields` on create/PATCH is merged key by key; a `null` value
  removes the key (on create it is simply not stored).
- Substring filters match case-insensitively (Unicode-aware), exact filters
  case-sensitively; `tags` needs every listed tag, compared case-sensitively.
  A filter sent with an empty value is ignored, as are unknown parameters.
- `include` takes a comma-separated list; an unknown value is a 400 on
  `include`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence

import orjson

from sandbox.custom_values import check_values, load_definitions, merge_values
from sandbox.listing import Condition
from sandbox.tables import Table, Workspace
from sandbox.types import JsonObject
from sandbox.validation import Checker, Problems, parse_body, read_fields, string_list

__all__ = [
    "TAGS",
    "filter_conditions",
    "parse_include",
    "read_entity_body",
    "stored_custom_fields",
]

TAGS = string_list(max_items=20, max_length=50, unique=False)


def read_entity_body(
    workspace: Workspace,
    raw_body: bytes,
    *,
    checkers: Mapping[str, Checker],
    entity_type: str,
    required: Collection[str] = (),
) -> JsonObject:
    """The checked body fields, custom field values included, or one 400."""
    problems = Problems()
    values = read_fields(
        parse_body(raw_body), checkers, problems=problems, required=required
    )
    custom = values.get("custom_fields")
    if isinstance(custom, dict):
        check_values(
            custom,
            load_definitions(workspace, entity_type),
            prefix="custom_fields",
            problems=problems,
            require_definition=False,
        )
    problems.raise_if_any()
    return values


def stored_custom_fields(current: sqlite3.Row | None, values: JsonObject) -> JsonObject:
    """The `custom_fields` map after merging the body's into the stored one."""
    stored = {} if current is None else orjson.loads(current["custom_fields"])
    updates = values.get("custom_fields")
    return merge_values(stored, updates if isinstance(updates, dict) else {})


def parse_include(
    query: Mapping[str, str], *, allowed: Sequence[str], problems: Problems
) -> frozenset[str]:
    raw = query.get("include")
    if not raw:
        return frozenset()
    includes = raw.split(",")
    for value in includes:
        if value not in allowed:
            problems.add(
                "include", f"Invalid include '{value}'; allowed: {', '.join(allowed)}"
            )
    return frozenset(includes)


def filter_conditions(
    query: Mapping[str, str],
    *,
    table: Table,
    substring: Sequence[str],
    exact: Sequence[str],
) -> list[Condition]:
    """Conditions for the substring, exact and `tags` filters in `query`."""
    conditions = [
        Condition(f"instr(fold({name}), ?) > 0", (query[name].lower(),))
        for name in substring
        if query.get(name)
    ]
    conditions += [
        Condition(f"{name} = ?", (query[name],)) for name in exact if query.get(name)
    ]
    tags = [tag for tag in query.get("tags", "").split(",") if tag]
    conditions += [
        Condition(
            f"EXISTS (SELECT 1 FROM json_each({table.name}.tags) WHERE value = ?)",
            (tag,),
        )
        for tag in tags
    ]
    return conditions
