"""Input types, and how each becomes a nodestash body or query string.

Every input field defaults to ``UNSET``: an omitted field is not sent
upstream, while an explicit ``null`` is sent as ``null`` and clears the field.
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

import strawberry
from strawberry import UNSET

from gateway.errors import BadUserInput, camel_case
from gateway.nodestash import is_id
from schema.definitions import CustomFieldEntityType, CustomFieldType
from schema.scalars import JSON

__all__ = [
    "CompanyFilter",
    "CompanyOrder",
    "CompanyOrderField",
    "ContactFilter",
    "ContactOrder",
    "ContactOrderField",
    "CreateCompanyInput",
    "CreateContactInput",
    "CreateCustomFieldDefinitionInput",
    "OrderDirection",
    "UpdateCompanyInput",
    "UpdateContactInput",
    "UpdateCustomFieldDefinitionInput",
    "list_params",
    "write_body",
]


_MAX_FILTER_LENGTH = 255
_EXACT_FILTERS = frozenset({"company_id", "source", "size"})
_MAX_TAGS = 20
_MAX_TAG_LENGTH = 50


@strawberry.enum
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum
class ContactOrderField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    EMAIL = "email"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"


@strawberry.enum
class CompanyOrderField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    NAME = "name"
    DOMAIN = "domain"


@strawberry.input
class ContactOrder:
    field: ContactOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input
class CompanyOrder:
    field: CompanyOrderField
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Every given condition must hold.")
class ContactFilter:
    email: str | None = strawberry.field(
        default=None, description="Case-insensitive substring."
    )
    first_name: str | None = strawberry.field(
        default=None, description="Case-insensitive substring."
    )
    last_name: str | None = strawberry.field(
        default=None, description="Case-insensitive substring."
    )
    company_id: strawberry.ID | None = None
    source: str | None = strawberry.field(default=None, description="Exact match.")
    tags: list[str] | None = strawberry.field(
        default=None, description="The contact carries all of these tags."
    )


@strawberry.input(description="Every given condition must hold.")
class CompanyFilter:
    name: str | None = strawberry.field(
        default=None, description="Case-insensitive substring."
    )
    domain: str | None = strawberry.field(
        default=None, description="Case-insensitive substring."
    )
    industry: str | None = strawberry.field(
        default=None, description="Case-insensitive substring."
    )
    size: str | None = strawberry.field(default=None, description="Exact match.")
    tags: list[str] | None = strawberry.field(
        default=None, description="The company carries all of these tags."
    )


@strawberry.input
class CreateContactInput:
    email: str | None = UNSET
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    phone: str | None = UNSET
    title: str | None = UNSET
    source: str | None = UNSET
    company_id: strawberry.ID | None = UNSET
    tags: list[str] | None = UNSET
    custom_fields: JSON | None = strawberry.field(
        default=UNSET, description="Slug to value, checked against the definitions."
    )


@strawberry.input(description="Omitted fields stay as they are; null clears one.")
class UpdateContactInput(CreateContactInput):
    custom_fields: JSON | None = strawberry.field(
        default=UNSET,
        description="Merged into the stored values; a slug set to null is removed.",
    )


@strawberry.input
class CreateCompanyInput:
    name: str
    domain: str | None = UNSET
    industry: str | None = UNSET
    size: str | None = UNSET
    tags: list[str] | None = UNSET
    custom_fields: JSON | None = strawberry.field(
        default=UNSET, description="Slug to value, checked against the definitions."
    )


@strawberry.input(description="Omitted fields stay as they are; null clears one.")
class UpdateCompanyInput:
    name: str | None = UNSET
    domain: str | None = UNSET
    industry: str | None = UNSET
    size: str | None = UNSET
    tags: list[str] | None = UNSET
    custom_fields: JSON | None = strawberry.field(
        default=UNSET,
        description="Merged into the stored values; a slug set to null is removed.",
    )


@strawberry.input
class CreateCustomFieldDefinitionInput:
    entity_type: CustomFieldEntityType
    name: str
    field_type: CustomFieldType
    slug: str | None = strawberry.field(
        default=UNSET, description="Derived from the name when omitted."
    )
    description: str | None = UNSET
    is_required: bool | None = UNSET
    options: list[str] | None = strawberry.field(
        default=UNSET, description="Required for SELECT and MULTI_SELECT fields."
    )
    display_order: int | None = UNSET


@strawberry.input(description="Entity type, slug and field type cannot change.")
class UpdateCustomFieldDefinitionInput:
    name: str | None = UNSET
    description: str | None = UNSET
    is_required: bool | None = UNSET
    options: list[str] | None = UNSET
    display_order: int | None = UNSET


def write_body(value: object) -> dict[str, Any]:
    """The fields a client gave, as nodestash's snake_case body.

    ``tags: null`` clears the tags: nodestash keeps tags as a list, never null.
    """
    body: dict[str, Any] = {}
    for field in dataclasses.fields(value):  # type: ignore[arg-type]
        item = getattr(value, field.name)
        if item is UNSET:
            continue
        if field.name == "tags":
            item = _written_tags(item)
        body[field.name] = item.value if isinstance(item, Enum) else item
    return body


def _written_tags(tags: list[str] | None) -> list[str]:
    # nodestash's tag filter is comma-separated (nodestash-api.md §5): a tag
    # with a comma could be stored but never found again.
    for index, tag in enumerate(tags or []):
        if "," in tag:
            raise BadUserInput.at(["input", "tags", index], "must not contain a comma")
    return tags or []


def list_params(
    filter: ContactFilter | CompanyFilter | None,
    order_by: list[ContactOrder] | list[CompanyOrder] | None,
) -> dict[str, str]:
    """A list query's filter and order as nodestash query parameters."""
    params: dict[str, str] = {}
    if filter is not None:
        for field in dataclasses.fields(filter):
            item = getattr(filter, field.name)
            if field.name == "tags" and item:
                params["tags"] = _joined_tags(item)
            elif item is not None and field.name != "tags":
                params[field.name] = _filter_text(str(item), field.name)
    if order_by:
        params["sort"] = ",".join(_sort_key(order) for order in order_by)
    return params


def _sort_key(order: ContactOrder | CompanyOrder) -> str:
    sign = "-" if order.direction is OrderDirection.DESC else ""
    return f"{sign}{order.field.value}"


def _filter_text(value: str, name: str) -> str:
    # No stored value is longer than 255 characters (nodestash-api.md §10, §11),
    # so a longer filter can match nothing; refusing it keeps URLs sane.
    path = ["filter", camel_case(name)]
    if len(value) > _MAX_FILTER_LENGTH:
        raise BadUserInput.at(path, f"must be at most {_MAX_FILTER_LENGTH} characters")
    # nodestash ignores an empty filter; an empty exact match must not quietly
    # turn into "everything".
    if not value and name in _EXACT_FILTERS:
        raise BadUserInput.at(path, "must not be empty")
    if name == "company_id" and not is_id(value, "co_"):
        raise BadUserInput.at(path, "must be a company id (co_…)")
    return value


def _joined_tags(tags: list[str]) -> str:
    # nodestash takes the tag filter as one comma-separated value
    # (nodestash-api.md §5), so a tag with a comma cannot be asked for; a
    # record carries at most 20 tags of at most 50 characters.
    if len(tags) > _MAX_TAGS:
        raise BadUserInput.at(["filter", "tags"], f"must list at most {_MAX_TAGS}")
    for index, tag in enumerate(tags):
        if "," in tag or not tag or len(tag) > _MAX_TAG_LENGTH:
            raise BadUserInput.at(
                ["filter", "tags", index],
                f"must be 1 to {_MAX_TAG_LENGTH} characters, without a comma",
            )
    return ",".join(tags)
