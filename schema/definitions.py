"""Custom field definitions and the enums that describe them."""

from __future__ import annotations

from enum import Enum
from typing import Self

import strawberry

from gateway.records import Record
from schema.node import Node
from schema.scalars import DateTime

__all__ = [
    "CustomFieldDefinition",
    "CustomFieldEntityType",
    "CustomFieldType",
]


@strawberry.enum(description="The kind of value a custom field holds.")
class CustomFieldType(Enum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    SELECT = "select"
    MULTI_SELECT = "multi_select"
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"


@strawberry.enum(description="The kind of record a custom field belongs to.")
class CustomFieldEntityType(Enum):
    CONTACT = "contact"
    COMPANY = "company"
    DEAL = "deal"
    ACTIVITY = "activity"

    @property
    def path(self) -> str:
        """The plural path segment of nodestash's values endpoints."""
        return _ENTITY_PATHS[self]

    @property
    def prefix(self) -> str:
        return _ENTITY_PREFIXES[self]


_ENTITY_PATHS = {
    CustomFieldEntityType.CONTACT: "contacts",
    CustomFieldEntityType.COMPANY: "companies",
    CustomFieldEntityType.DEAL: "deals",
    CustomFieldEntityType.ACTIVITY: "activities",
}
_ENTITY_PREFIXES = {
    CustomFieldEntityType.CONTACT: "ct_",
    CustomFieldEntityType.COMPANY: "co_",
    CustomFieldEntityType.DEAL: "dl_",
    CustomFieldEntityType.ACTIVITY: "act_",
}


@strawberry.type(description="The schema of one custom field of an entity type.")
class CustomFieldDefinition(Node):
    id: strawberry.ID
    entity_type: CustomFieldEntityType
    name: str
    slug: str
    field_type: CustomFieldType
    description: str | None
    is_required: bool
    options: list[str] | None
    display_order: int
    created_at: DateTime
    updated_at: DateTime

    @classmethod
    def from_record(cls, record: Record) -> Self:
        return cls(
            id=strawberry.ID(record["id"]),
            entity_type=CustomFieldEntityType(record["entity_type"]),
            name=record["name"],
            slug=record["slug"],
            field_type=CustomFieldType(record["field_type"]),
            description=record.get("description"),
            is_required=bool(record.get("is_required")),
            options=record.get("options"),
            display_order=record.get("display_order") or 0,
            created_at=record["created_at"],
            updated_at=record["updated_at"],
        )
