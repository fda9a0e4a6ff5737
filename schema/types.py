"""Contacts and companies as GraphQL types, built from nodestash records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self, TypeVar

import strawberry

from gateway.context import GatewayContext
from gateway.loaders import RecordLoader
from gateway.nodestash import Resource
from gateway.records import Record
from schema.custom_fields import CustomFieldValue, typed_value, typed_values
from schema.node import Node
from schema.pagination import Connection, read_window
from schema.scalars import DateTime
from schema.selection import selects

__all__ = [
    "Company",
    "Contact",
    "Info",
    "company_connection",
    "contact_connection",
]

Info = strawberry.Info[GatewayContext, None]
N = TypeVar("N")


@strawberry.type(description="A person in the CRM.")
class Contact(Node):
    id: strawberry.ID
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    title: str | None
    source: str | None
    tags: list[str]
    company_id: strawberry.ID | None
    created_at: DateTime
    updated_at: DateTime
    _custom_fields: strawberry.Private[dict[str, object]]

    @classmethod
    def from_record(cls, record: Record) -> Self:
        return cls(
            id=record["id"],
            email=record.get("email"),
            first_name=record.get("first_name"),
            last_name=record.get("last_name"),
            phone=record.get("phone"),
            title=record.get("title"),
            source=record.get("source"),
            tags=record.get("tags") or [],
            company_id=record.get("company_id"),
            created_at=record["created_at"],
            updated_at=record["updated_at"],
            _custom_fields=record.get("custom_fields") or {},
        )

    @strawberry.field(description="The contact's company; batched across contacts.")
    async def company(self, info: Info) -> Company | None:
        if self.company_id is None:
            return None
        record = await info.context.loaders.companies.load(self.company_id)
        return Company.from_record(record) if record else None

    @strawberry.field(description="Every value, joined with its definition.")
    async def custom_fields(self, info: Info) -> list[CustomFieldValue] | None:
        definitions = await info.context.loaders.definition_sets.load("contact")
        return typed_values(self._custom_fields, definitions)

    @strawberry.field(description="One value by its slug; null when not set.")
    async def custom_field(self, info: Info, slug: str) -> CustomFieldValue | None:
        if slug not in self._custom_fields:
            return None
        definitions = await info.context.loaders.definition_sets.load("contact")
        return typed_value(
            slug, self._custom_fields[slug], definitions.by_slug.get(slug)
        )


@strawberry.type(description="An organisation contacts can belong to.")
class Company(Node):
    id: strawberry.ID
    name: str
    domain: str | None
    industry: str | None
    size: str | None
    tags: list[str]
    created_at: DateTime
    updated_at: DateTime
    _custom_fields: strawberry.Private[dict[str, object]]

    @classmethod
    def from_record(cls, record: Record) -> Self:
        return cls(
            id=record["id"],
            name=record["name"],
            domain=record.get("domain"),
            industry=record.get("industry"),
            size=record.get("size"),
            tags=record.get("tags") or [],
            created_at=record["created_at"],
            updated_at=record["updated_at"],
            _custom_fields=record.get("custom_fields") or {},
        )

    @strawberry.field(description="Every value, joined with its definition.")
    async def custom_fields(self, info: Info) -> list[CustomFieldValue] | None:
        definitions = await info.context.loaders.definition_sets.load("company")
        return typed_values(self._custom_fields, definitions)

    @strawberry.field(description="The company's contacts, newest first by default.")
    async def contacts(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Contact] | None:
        params = {"company_id": str(self.id)}
        return await contact_connection(info, params, first=first, after=after)


_NODES = (("nodes",), ("edges", "node"))
_CUSTOM_FIELDS = frozenset({"customFields", "customField"})


async def contact_connection(
    info: Info, params: dict[str, str], *, first: int | None, after: str | None
) -> Connection[Contact]:
    """A page of contacts; definitions load alongside when the page needs them."""
    context = info.context
    return await _connection(
        info,
        entity_type="contact",
        resource=context.api.contacts,
        loader=context.loaders.contacts,
        build=Contact.from_record,
        params=params,
        first=first,
        after=after,
    )


async def company_connection(
    info: Info, params: dict[str, str], *, first: int | None, after: str | None
) -> Connection[Company]:
    """A page of companies; definitions load alongside when the page needs them."""
    context = info.context
    return await _connection(
        info,
        entity_type="company",
        resource=context.api.companies,
        loader=context.loaders.companies,
        build=Company.from_record,
        params=params,
        first=first,
        after=after,
    )


async def _connection(
    info: Info,
    *,
    entity_type: str,
    resource: Resource,
    loader: RecordLoader,
    build: Callable[[Record], N],
    params: dict[str, str],
    first: int | None,
    after: str | None,
) -> Connection[N]:
    context = info.context
    if selects(info.selected_fields, _CUSTOM_FIELDS, under=_NODES):
        context.loaders.prefetch_definitions(entity_type)
    window = await read_window(context.api, resource, params, first=first, after=after)
    records = [record for record, _ in window.records]
    loader.prime_many(records)
    return window.connection([build(record) for record in records])
