"""nodestash's envelopes and records, checked once where they enter the gateway.

Records stay plain ``dict``s of nodestash's ``attributes`` (snake_case keys),
which is cheap on the hot path; this module only makes sure each one has the
shape the schema relies on, so a wrong-shaped body becomes
``UPSTREAM_BAD_RESPONSE`` instead of a crash deep inside a resolver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import UpstreamBadResponse

__all__ = [
    "COMPANY",
    "CONTACT",
    "DEFINITION",
    "VALUE",
    "Page",
    "Record",
    "Shape",
    "unwrap_one",
    "unwrap_page",
    "unwrap_values",
]

Record = dict[str, Any]

_STR = (str,)
_OPT_STR = (str, type(None))
_OPT_INT = (int, type(None))


@dataclass(frozen=True, slots=True)
class Shape:
    """The keys a record of one type must (``required``) or may carry."""

    name: str
    prefix: str
    required: Mapping[str, tuple[type, ...]]
    optional: Mapping[str, tuple[type, ...]]
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)


_TIMESTAMPS = {"created_at": _STR, "updated_at": _STR}

CONTACT = Shape(
    name="contact",
    prefix="ct_",
    required={"id": _STR, **_TIMESTAMPS},
    optional={
        "email": _OPT_STR,
        "first_name": _OPT_STR,
        "last_name": _OPT_STR,
        "phone": _OPT_STR,
        "company_id": _OPT_STR,
        "title": _OPT_STR,
        "source": _OPT_STR,
        "tags": (list,),
        "custom_fields": (dict,),
        "company": (dict, type(None)),
    },
)

COMPANY = Shape(
    name="company",
    prefix="co_",
    required={"id": _STR, "name": _STR, **_TIMESTAMPS},
    optional={
        "domain": _OPT_STR,
        "industry": _OPT_STR,
        "size": _OPT_STR,
        "tags": (list,),
        "custom_fields": (dict,),
    },
)

DEFINITION = Shape(
    name="custom field definition",
    prefix="cf_",
    required={
        "id": _STR,
        "entity_type": _STR,
        "name": _STR,
        "slug": _STR,
        "field_type": _STR,
        **_TIMESTAMPS,
    },
    optional={
        "description": _OPT_STR,
        "is_required": (bool,),
        "options": (list, type(None)),
        "display_order": _OPT_INT,
    },
    choices={
        "entity_type": frozenset({"contact", "company", "deal", "activity"}),
        "field_type": frozenset(
            {
                "text",
                "number",
                "boolean",
                "date",
                "select",
                "multi_select",
                "url",
                "email",
                "phone",
            }
        ),
    },
)

VALUE = Shape(
    name="custom field value",
    prefix="cfv_",
    required={"slug": _STR},
    optional={"field_definition_id": _OPT_STR, "field_type": _OPT_STR},
)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a nodestash list: its records and where the next one starts."""

    records: list[Record]
    next_cursor: str | None
    has_more: bool


def unwrap_one(body: object, shape: Shape, *, method: str, path: str) -> Record:
    """Return the checked ``attributes`` of a single-resource envelope."""
    data = body.get("data") if isinstance(body, dict) else None
    return _checked(data, shape, method=method, path=path)


def unwrap_page(body: object, shape: Shape, *, method: str, path: str) -> Page:
    """Return the checked records and pagination of a list envelope."""
    data = body.get("data") if isinstance(body, dict) else None
    meta = body.get("meta") if isinstance(body, dict) else None
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    if not isinstance(data, list) or not isinstance(pagination, dict):
        raise _bad(f"a {shape.name} list", method=method, path=path)
    records = [_checked(item, shape, method=method, path=path) for item in data]
    next_cursor = pagination.get("next_cursor")
    has_more = pagination.get("has_more")
    if not isinstance(has_more, bool) or not isinstance(next_cursor, _OPT_STR):
        raise _bad(f"a {shape.name} list", method=method, path=path)
    if has_more and next_cursor is None:
        raise _bad(f"a {shape.name} list", method=method, path=path)
    return Page(records=records, next_cursor=next_cursor, has_more=has_more)


def unwrap_values(body: object, *, method: str, path: str) -> list[Record]:
    """Return the checked value resources of an entity's custom-field values."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise _bad("a custom field value list", method=method, path=path)
    return [_checked(item, VALUE, method=method, path=path) for item in data]


def _checked(item: object, shape: Shape, *, method: str, path: str) -> Record:
    attributes = item.get("attributes") if isinstance(item, dict) else None
    if not isinstance(attributes, dict) or not _fits(attributes, shape):
        raise _bad(f"a {shape.name}", method=method, path=path)
    return attributes


def _fits(attributes: Record, shape: Shape) -> bool:
    for key, types in shape.required.items():
        if not isinstance(attributes.get(key), types):
            return False
    for key, types in shape.optional.items():
        value = attributes.get(key)
        if value is not None and not isinstance(value, types):
            return False
    for key, allowed in shape.choices.items():
        if attributes.get(key) not in allowed:
            return False
    return True


def _bad(expected: str, *, method: str, path: str) -> UpstreamBadResponse:
    return UpstreamBadResponse(
        f"nodestash answered {method} {path} with something that is not {expected}.",
        method=method,
        path=path,
    )
