"""Custom field values: typed for reading, checked against definitions for writing.

Values arrive with every contact and company as a plain slug -> value map
(nodestash-api.md §13.4); joined with the entity type's definitions they
become one concrete GraphQL type per value shape. A value with no definition,
or one that does not fit its definition, is an ``UntypedCustomFieldValue``:
never an error and never dropped.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import strawberry

from gateway.errors import BadUserInput, FieldError
from gateway.loaders import DefinitionSet
from gateway.records import Record
from schema.definitions import CustomFieldDefinition
from schema.scalars import JSON

__all__ = [
    "BooleanCustomFieldValue",
    "CustomFieldValue",
    "DateCustomFieldValue",
    "MultiSelectCustomFieldValue",
    "NumberCustomFieldValue",
    "TextCustomFieldValue",
    "UntypedCustomFieldValue",
    "check_values",
    "typed_value",
    "typed_values",
]

_TEXT_TYPES = frozenset({"text", "url", "email", "phone", "select"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@strawberry.interface(description="One custom field's value on a contact or company.")
class CustomFieldValue:
    slug: str
    raw_value: JSON | None = strawberry.field(
        description="The value exactly as nodestash stores it."
    )
    _definition: strawberry.Private[Record | None]

    @strawberry.field(description="Null when no definition has this slug.")
    def definition(self) -> CustomFieldDefinition | None:
        if self._definition is None:
            return None
        return CustomFieldDefinition.from_record(self._definition)


@strawberry.type(description="A text, url, email, phone or select value.")
class TextCustomFieldValue(CustomFieldValue):
    value: str


@strawberry.type
class NumberCustomFieldValue(CustomFieldValue):
    value: float


@strawberry.type
class BooleanCustomFieldValue(CustomFieldValue):
    value: bool


@strawberry.type
class DateCustomFieldValue(CustomFieldValue):
    value: datetime.date


@strawberry.type
class MultiSelectCustomFieldValue(CustomFieldValue):
    value: list[str]


@strawberry.type(
    description="A value with no definition, or one that does not fit its definition."
)
class UntypedCustomFieldValue(CustomFieldValue):
    value: JSON | None


def typed_value(slug: str, raw: Any, definition: Record | None) -> CustomFieldValue:
    """Wrap one stored value in the GraphQL type its definition calls for."""
    kind = definition["field_type"] if definition is not None else None
    common = {"slug": slug, "raw_value": raw, "_definition": definition}
    options = (definition or {}).get("options") or ()
    if kind == "select" and raw not in options:
        # An option removed after the value was stored: it no longer fits.
        return UntypedCustomFieldValue(value=raw, **common)
    if kind in _TEXT_TYPES and isinstance(raw, str):
        return TextCustomFieldValue(value=raw, **common)
    if kind == "number" and _is_number(raw):
        return NumberCustomFieldValue(value=float(raw), **common)
    if kind == "boolean" and isinstance(raw, bool):
        return BooleanCustomFieldValue(value=raw, **common)
    if kind == "date" and (day := _as_date(raw)) is not None:
        return DateCustomFieldValue(value=day, **common)
    if kind == "multi_select" and _is_string_list(raw):
        if all(item in options for item in raw):
            return MultiSelectCustomFieldValue(value=raw, **common)
    return UntypedCustomFieldValue(value=raw, **common)


def typed_values(
    values: Mapping[str, Any], definitions: DefinitionSet
) -> list[CustomFieldValue]:
    """All of a record's values, in the definitions' display order.

    Values without a definition follow, by slug.
    """
    by_slug = definitions.by_slug
    ordered = sorted(values, key=lambda slug: _display_key(slug, by_slug))
    return [typed_value(slug, values[slug], by_slug.get(slug)) for slug in ordered]


def check_values(
    values: object,
    definitions: DefinitionSet,
    *,
    path: tuple[str, ...],
    creating: bool,
) -> dict[str, Any]:
    """Check values against their definitions before anything is written.

    Args:
        values: the ``JSON`` argument as the client sent it.
        definitions: the entity type's definitions.
        path: where ``values`` sits in the operation's arguments.
        creating: a new record must carry every required field; an update
            may leave them out but not set them to null.

    Raises:
        BadUserInput: listing every offending value by its input path.
    """
    if not isinstance(values, dict):
        raise BadUserInput.at(
            path,
            "must be an object of slug to value (to remove a value, set its slug "
            "to null)",
        )
    errors = [
        FieldError((*path, slug), problem)
        for slug, problem in _problems(values, definitions, creating=creating)
    ]
    if errors:
        listed = "; ".join(f"{e.path[-1]}: {e.message}" for e in errors)
        raise BadUserInput(f"Invalid custom field values ({listed}).", errors)
    return values


def _problems(
    values: Mapping[str, Any], definitions: DefinitionSet, *, creating: bool
) -> Iterable[tuple[str, str]]:
    for slug, value in values.items():
        definition = definitions.by_slug.get(slug)
        if definition is None and value is None:
            continue  # removing a value no definition describes is always fine
        if definition is None:
            yield (
                slug,
                f"no {definitions.entity_type} custom field has the slug '{slug}'",
            )
        elif value is None:
            if definition.get("is_required"):
                yield slug, "is required and cannot be removed"
        elif (problem := _value_problem(value, definition)) is not None:
            yield slug, problem
    if creating:
        for definition in definitions.definitions:
            slug = definition["slug"]
            if definition.get("is_required") and values.get(slug) is None:
                yield slug, "is required"


def _value_problem(value: Any, definition: Record) -> str | None:
    kind = definition["field_type"]
    options = definition.get("options") or []
    if kind == "number":
        return None if _is_number(value) else "must be a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "date":
        return None if _as_date(value) else "must be a date as YYYY-MM-DD"
    if kind == "multi_select":
        if not _is_string_list(value):
            return "must be a list of options"
        unknown = [item for item in value if item not in options]
        return f"has values that are not options: {unknown}" if unknown else None
    if not isinstance(value, str):
        return "must be a string"
    return _text_problem(value, kind, options)


def _text_problem(value: str, kind: str, options: list[str]) -> str | None:
    if kind == "select" and value not in options:
        return f"must be one of {options}"
    if kind == "email" and not _EMAIL.match(value):
        return "must be an email address"
    if kind == "url" and not _URL.match(value):
        return "must be an http(s) URL"
    return None


def _display_key(slug: str, by_slug: Mapping[str, Record]) -> tuple[int, int, str]:
    definition = by_slug.get(slug)
    if definition is None:
        return (1, 0, slug)
    return (0, definition.get("display_order") or 0, slug)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _as_date(value: Any) -> datetime.date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None
