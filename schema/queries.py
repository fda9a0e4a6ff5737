"""The root Query type."""

from __future__ import annotations

import asyncio

import strawberry

from gateway.records import Record
from schema.definitions import CustomFieldDefinition, CustomFieldEntityType
from schema.inputs import (
    CompanyFilter,
    CompanyOrder,
    ContactFilter,
    ContactOrder,
    list_params,
)
from schema.node import Node
from schema.pagination import Connection, read_window
from schema.selection import selects
from schema.types import Company, Contact, Info, company_connection, contact_connection

__all__ = ["Query"]

_COMPANY = frozenset({"company"})
_CUSTOM_FIELDS = frozenset({"customFields", "customField"})


@strawberry.type
class Query:
    @strawberry.field(description="Any record by its id; null when there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _node(info, str(id))

    @strawberry.field(description="Records by id, in order; null for unknown ids.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return list(await asyncio.gather(*(_node(info, str(i)) for i in ids)))

    @strawberry.field(description="A contact by id; null when there is none.")
    async def contact(self, info: Info, id: strawberry.ID) -> Contact | None:
        return await _contact(info, str(id))

    @strawberry.field
    async def contacts(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        filter: ContactFilter | None = None,
        order_by: list[ContactOrder] | None = None,
    ) -> Connection[Contact] | None:
        params = list_params(filter, order_by)
        return await contact_connection(info, params, first=first, after=after)

    @strawberry.field(description="A company by id; null when there is none.")
    async def company(self, info: Info, id: strawberry.ID) -> Company | None:
        return await _company(info, str(id))

    @strawberry.field
    async def companies(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        filter: CompanyFilter | None = None,
        order_by: list[CompanyOrder] | None = None,
    ) -> Connection[Company] | None:
        params = list_params(filter, order_by)
        return await company_connection(info, params, first=first, after=after)

    @strawberry.field(description="A definition by id; null when there is none.")
    async def custom_field_definition(
        self, info: Info, id: strawberry.ID
    ) -> CustomFieldDefinition | None:
        return await _definition(info, str(id))

    @strawberry.field
    async def custom_field_definitions(
        self,
        info: Info,
        entity_type: CustomFieldEntityType | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[CustomFieldDefinition] | None:
        api = info.context.api
        params = {"entity_type": entity_type.value} if entity_type else {}
        window = await read_window(
            api, api.definitions, params, first=first, after=after
        )
        records = [record for record, _ in window.records]
        info.context.loaders.definitions.prime_many(records)
        return window.connection(
            [CustomFieldDefinition.from_record(r) for r in records]
        )


async def _contact(info: Info, contact_id: str) -> Contact | None:
    loaders = info.context.loaders
    selected = info.selected_fields
    if selects(selected, _CUSTOM_FIELDS):
        loaders.prefetch_definitions("contact")
    if selects(selected, _COMPANY):
        record = await loaders.contacts.load_with_company(contact_id)
    else:
        record = await loaders.contacts.load(contact_id)
    return Contact.from_record(record) if record else None


async def _company(info: Info, company_id: str) -> Company | None:
    loaders = info.context.loaders
    if selects(info.selected_fields, _CUSTOM_FIELDS):
        loaders.prefetch_definitions("company")
    record: Record | None = await loaders.companies.load(company_id)
    return Company.from_record(record) if record else None


async def _definition(info: Info, definition_id: str) -> CustomFieldDefinition | None:
    record = await info.context.loaders.definitions.load(definition_id)
    return CustomFieldDefinition.from_record(record) if record else None


async def _node(info: Info, node_id: str) -> Node | None:
    if node_id.startswith("ct_"):
        return await _contact(info, node_id)
    if node_id.startswith("co_"):
        return await _company(info, node_id)
    if node_id.startswith("cf_"):
        return await _definition(info, node_id)
    return None
