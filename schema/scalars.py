"""Custom scalars: DateTime as nodestash sends it, Date and JSON."""

from __future__ import annotations

import datetime
from typing import NewType

import strawberry
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

__all__ = ["JSON", "SCALARS", "DateTime"]


def _serialize_datetime(value: object) -> str:
    # nodestash already sends RFC 3339 UTC with "Z" (nodestash-api.md §2.5);
    # pass those through untouched and normalise anything else.
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z"):
        return value
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if not isinstance(value, datetime.datetime):
        raise ValueError(f"DateTime cannot represent {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    utc = value.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None)
    return f"{utc.isoformat()}Z"


def _parse_datetime(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an RFC 3339 string")
    return _serialize_datetime(value)


DateTime = NewType("DateTime", str)

SCALARS: dict[object, ScalarDefinition] = {
    DateTime: strawberry.scalar(
        name="DateTime",
        description="An RFC 3339 timestamp, always in UTC with a trailing Z.",
        serialize=_serialize_datetime,
        parse_value=_parse_datetime,
    )
}
