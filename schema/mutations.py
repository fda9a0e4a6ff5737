"""The root Mutation type: writes, checked before they are sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import strawberry

from gateway.errors import NotFound, UpstreamNotFound, UpstreamValidationError
from gateway.nodestash import Resource, is_id
from gateway.records import Record
from schema.custom_fields import CustomFieldValue, check_values, typed_value
from schema.definitions import CustomFieldDefinition, CustomFieldEntityType
from schema.inputs import (
    CreateCompanyInput,
    CreateContactInput,
    CreateCustomFieldDefinitionInput,
    UpdateCompanyInput,
    UpdateContactInput,
    UpdateCustomFieldDefinitionInput,
    write_body,
)
from schema.scalars import JSON
from schema.types import Company, Contact, Info

__all__ = ["Mutation"]


@strawberry.type
class CreateContactPayload:
    contact: Contact


@strawberry.type
class UpdateContactPayload:
    contact: Contact


@strawberry.type
class DeleteContactPayload:
    deleted_id: strawberry.ID


@strawberry.type
class CreateCompanyPayload:
    company: Company


@strawberry.type
class UpdateCompanyPayload:
    company: Company


@strawberry.type
class DeleteCompanyPayload:
    deleted_id: strawberry.ID


@strawberry.type
class CreateCustomFieldDefinitionPayload:
    custom_field_definition: CustomFieldDefinition


@strawberry.type
class UpdateCustomFieldDefinitionPayload:
    custom_field_definition: CustomFieldDefinition


@strawberry.type
class DeleteCustomFieldDefinitionPayload:
    deleted_id: strawberry.ID


@strawberry.type
class SetCustomFieldValuesPayload:
    values: list[CustomFieldValue]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_contact(
        self, info: Info, input: CreateContactInput
    ) -> CreateContactPayload | None:
        record = await _save(info, "contact", input)
        return CreateContactPayload(contact=Contact.from_record(record))

    @strawberry.mutation
    async def update_contact(
        self, info: Info, id: strawberry.ID, input: UpdateContactInput
    ) -> UpdateContactPayload | None:
        record = await _save(info, "contact", input, record_id=str(id))
        return UpdateContactPayload(contact=Contact.from_record(record))

    @strawberry.mutation
    async def delete_contact(
        self, info: Info, id: strawberry.ID
    ) -> DeleteContactPayload | None:
        await _delete(info, info.context.api.contacts, str(id))
        info.context.loaders.contacts.clear(str(id))
        return DeleteContactPayload(deleted_id=id)

    @strawberry.mutation
    async def create_company(
        self, info: Info, input: CreateCompanyInput
    ) -> CreateCompanyPayload | None:
        record = await _save(info, "company", input)
        return CreateCompanyPayload(company=Company.from_record(record))

    @strawberry.mutation
    async def update_company(
        self, info: Info, id: strawberry.ID, input: UpdateCompanyInput
    ) -> UpdateCompanyPayload | None:
        record = await _save(info, "company", input, record_id=str(id))
        return UpdateCompanyPayload(company=Company.from_record(record))

    @strawberry.mutation(description="Deletes a company; its contacts are unlinked.")
    async def delete_company(
        self, info: Info, id: strawberry.ID
    ) -> DeleteCompanyPayload | None:
        await _delete(info, info.context.api.companies, str(id))
        info.context.loaders.companies.clear(str(id))
        # Its contacts lost their company_id upstream; drop stale copies.
        info.context.loaders.contacts.clear_all()
        return DeleteCompanyPayload(deleted_id=id)

    @strawberry.mutation
    async def create_custom_field_definition(
        self, info: Info, input: CreateCustomFieldDefinitionInput
    ) -> CreateCustomFieldDefinitionPayload | None:
        record = await _create(info, info.context.api.definitions, write_body(input))
        await _forget_definitions(info, record)
        definition = CustomFieldDefinition.from_record(record)
        return CreateCustomFieldDefinitionPayload(custom_field_definition=definition)

    @strawberry.mutation
    async def update_custom_field_definition(
        self, info: Info, id: strawberry.ID, input: UpdateCustomFieldDefinitionInput
    ) -> UpdateCustomFieldDefinitionPayload | None:
        api = info.context.api
        record = await _update(info, api.definitions, str(id), write_body(input))
        await _forget_definitions(info, record)
        definition = CustomFieldDefinition.from_record(record)
        return UpdateCustomFieldDefinitionPayload(custom_field_definition=definition)

    @strawberry.mutation(description="Deletes a definition and every value it has.")
    async def delete_custom_field_definition(
        self, info: Info, id: strawberry.ID
    ) -> DeleteCustomFieldDefinitionPayload | None:
        await _delete(info, info.context.api.definitions, str(id))
        loaders = info.context.loaders
        loaders.definitions.clear(str(id))
        await loaders.definition_sets.forget()
        return DeleteCustomFieldDefinitionPayload(deleted_id=id)

    @strawberry.mutation(description="Merges values into one record's custom fields.")
    async def set_custom_field_values(
        self,
        info: Info,
        entity_type: CustomFieldEntityType,
        entity_id: strawberry.ID,
        values: JSON,
    ) -> SetCustomFieldValuesPayload | None:
        context = info.context
        entity_id = strawberry.ID(str(entity_id))
        if not is_id(entity_id, entity_type.prefix):
            raise _not_found(entity_type.value, entity_id)
        definitions = await context.loaders.definition_sets.load(entity_type.value)
        fields = check_values(values, definitions, path=("values",), creating=False)
        with _located(("values",), {"fields": ("values",)}), _missing(entity_id):
            stored = await context.api.set_values(entity_type.path, entity_id, fields)
        context.loaders.contacts.clear(entity_id)
        context.loaders.companies.clear(entity_id)
        by_slug = definitions.by_slug
        typed = [
            typed_value(v["slug"], v.get("value"), by_slug.get(v["slug"]))
            for v in stored
        ]
        return SetCustomFieldValuesPayload(values=typed)


async def _save(
    info: Info, entity_type: str, input: object, *, record_id: str | None = None
) -> Record:
    """Check and send a contact or company write; cache what comes back."""
    api, loaders = info.context.api, info.context.loaders
    resource, loader = (
        (api.contacts, loaders.contacts)
        if entity_type == "contact"
        else (api.companies, loaders.companies)
    )
    body = await _checked_body(info, entity_type, input, creating=record_id is None)
    if record_id is None:
        record = await _create(info, resource, body)
    else:
        record = await _update(info, resource, record_id, body)
    loader.replace(record)
    return record


async def _checked_body(
    info: Info, entity_type: str, input: object, *, creating: bool
) -> dict[str, Any]:
    body = write_body(input)
    if not creating and "custom_fields" not in body:
        return body
    # A create is checked even without values: required fields must be there.
    values = body.pop("custom_fields", None)
    if creating and values is None:
        values = {}
    definitions = await info.context.loaders.definition_sets.load(entity_type)
    path = ("input", "customFields")
    values = check_values(values, definitions, path=path, creating=creating)
    if values or not creating:
        body["custom_fields"] = values
    return body


async def _create(info: Info, resource: Resource, body: dict[str, Any]) -> Record:
    with _located(("input",)):
        return await info.context.api.create(resource, body)


async def _update(
    info: Info, resource: Resource, record_id: str, body: dict[str, Any]
) -> Record:
    if not resource.owns(record_id):
        raise _not_found(resource.shape.name, record_id)
    with _located(("input",)), _missing(record_id):
        return await info.context.api.update(resource, record_id, body)


async def _delete(info: Info, resource: Resource, record_id: str) -> None:
    if not resource.owns(record_id):
        raise _not_found(resource.shape.name, record_id)
    with _missing(record_id):
        await info.context.api.delete(resource, record_id)


async def _forget_definitions(info: Info, record: Record) -> None:
    loaders = info.context.loaders
    loaders.definitions.replace(record)
    await loaders.definition_sets.forget(record["entity_type"])


@contextmanager
def _located(
    prefix: tuple[str, ...], renames: dict[str, tuple[str, ...]] | None = None
) -> Iterator[None]:
    """Point nodestash's validation errors at the argument they came from."""
    try:
        yield
    except UpstreamValidationError as error:
        raise error.locate(prefix, renames) from None


@contextmanager
def _missing(record_id: str) -> Iterator[None]:
    try:
        yield
    except UpstreamNotFound as error:
        error.message = f"No record has the id '{_shown(record_id)}'."
        error.args = (error.message,)
        raise


def _not_found(kind: str, record_id: str) -> NotFound:
    return NotFound(f"No {kind} has the id '{_shown(record_id)}'.")


def _shown(record_id: str) -> str:
    # Echo enough of a client's id to recognise it, never all of a huge one.
    return record_id if len(record_id) <= 64 else f"{record_id[:64]}…"
