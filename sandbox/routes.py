"""The `/v1` REST routes: contacts, companies, custom fields and their values.

Handlers authenticate and check the key's scope (see `sandbox.scopes`), hand
the raw query or body to the resource module and render its result; writes
go through the idempotency store (see `sandbox.idempotency`). Bodies are
read as raw bytes and checked by the sandbox itself, so every validation
error uses the nodestash envelope. The `Content-Type` of a request is not
checked. Each route's `operation_id` is the one the nodestash docs use.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from sandbox import companies, contacts, custom_values, definitions
from sandbox.context import sandbox_state
from sandbox.envelopes import render_empty, render_list, render_page, render_resource
from sandbox.idempotency import Produce
from sandbox.scopes import authorized, require_include_scopes
from sandbox.tables import COMPANIES, CONTACTS, DEFINITIONS, Workspace

__all__ = ["router"]

router = APIRouter(prefix="/v1")

ContactsReader = Annotated[Workspace, Depends(authorized("contacts:read"))]
ContactsWriter = Annotated[Workspace, Depends(authorized("contacts:write"))]
CompaniesReader = Annotated[Workspace, Depends(authorized("companies:read"))]
CompaniesWriter = Annotated[Workspace, Depends(authorized("companies:write"))]
FieldsReader = Annotated[Workspace, Depends(authorized("custom_fields:read"))]
FieldsWriter = Annotated[Workspace, Depends(authorized("custom_fields"))]
RecordId = Annotated[str, Path(alias="id")]


def _default_limit(request: Request) -> int:
    return sandbox_state(request).settings.default_limit


async def _write(
    request: Request, *, workspace: Workspace, produce: Produce
) -> Response:
    idempotency = sandbox_state(request).idempotency
    return await idempotency.respond(request, workspace=workspace, produce=produce)


@router.get("/contacts", operation_id="listContacts")
async def list_contacts(request: Request, workspace: ContactsReader) -> Response:
    page = contacts.list_contacts(
        workspace, request.query_params, default_limit=_default_limit(request)
    )
    return render_page(request, page, type_name=CONTACTS.type_name)


@router.post("/contacts", operation_id="createContact")
async def create_contact(request: Request, workspace: ContactsWriter) -> Response:
    def produce(body: bytes) -> Response:
        attributes = contacts.create_contact(workspace, body)
        return render_resource(
            request, attributes, type_name=CONTACTS.type_name, status_code=201
        )

    return await _write(request, workspace=workspace, produce=produce)


@router.get("/contacts/{id}", operation_id="getContact")
async def get_contact(
    request: Request, *, workspace: ContactsReader, contact_id: RecordId
) -> Response:
    require_include_scopes(workspace, request.query_params)
    attributes = contacts.get_contact(workspace, contact_id, query=request.query_params)
    return render_resource(request, attributes, type_name=CONTACTS.type_name)


@router.patch("/contacts/{id}", operation_id="updateContact")
async def update_contact(
    request: Request, *, workspace: ContactsWriter, contact_id: RecordId
) -> Response:
    def produce(body: bytes) -> Response:
        attributes = contacts.update_contact(workspace, contact_id, raw_body=body)
        return render_resource(request, attributes, type_name=CONTACTS.type_name)

    return await _write(request, workspace=workspace, produce=produce)


@router.delete("/contacts/{id}", operation_id="deleteContact")
async def delete_contact(workspace: ContactsWriter, contact_id: RecordId) -> Response:
    contacts.delete_contact(workspace, contact_id)
    return render_empty()


@router.get("/companies", operation_id="listCompanies")
async def list_companies(request: Request, workspace: CompaniesReader) -> Response:
    page = companies.list_companies(
        workspace, request.query_params, default_limit=_default_limit(request)
    )
    return render_page(request, page, type_name=COMPANIES.type_name)


@router.post("/companies", operation_id="createCompany")
async def create_company(request: Request, workspace: CompaniesWriter) -> Response:
    def produce(body: bytes) -> Response:
        attributes = companies.create_company(workspace, body)
        return render_resource(
            request, attributes, type_name=COMPANIES.type_name, status_code=201
        )

    return await _write(request, workspace=workspace, produce=produce)


@router.get("/companies/{id}", operation_id="getCompany")
async def get_company(
    request: Request, *, workspace: CompaniesReader, company_id: RecordId
) -> Response:
    require_include_scopes(workspace, request.query_params)
    attributes = companies.get_company(
        workspace, company_id, query=request.query_params
    )
    return render_resource(request, attributes, type_name=COMPANIES.type_name)


@router.patch("/companies/{id}", operation_id="updateCompany")
async def update_company(
    request: Request, *, workspace: CompaniesWriter, company_id: RecordId
) -> Response:
    def produce(body: bytes) -> Response:
        attributes = companies.update_company(workspace, company_id, raw_body=body)
        return render_resource(request, attributes, type_name=COMPANIES.type_name)

    return await _write(request, workspace=workspace, produce=produce)


@router.delete("/companies/{id}", operation_id="deleteCompany")
async def delete_company(workspace: CompaniesWriter, company_id: RecordId) -> Response:
    companies.delete_company(workspace, company_id)
    return render_empty()


@router.get("/custom-fields", operation_id="listCustomFieldDefinitions")
async def list_definitions(request: Request, workspace: FieldsReader) -> Response:
    page = definitions.list_definitions(
        workspace, request.query_params, default_limit=_default_limit(request)
    )
    return render_page(request, page, type_name=DEFINITIONS.type_name)


@router.post("/custom-fields", operation_id="createCustomFieldDefinition")
async def create_definition(request: Request, workspace: FieldsWriter) -> Response:
    def produce(body: bytes) -> Response:
        attributes = definitions.create_definition(workspace, body)
        return render_resource(
            request, attributes, type_name=DEFINITIONS.type_name, status_code=201
        )

    return await _write(request, workspace=workspace, produce=produce)


@router.get("/custom-fields/{id}", operation_id="getCustomFieldDefinition")
async def get_definition(
    request: Request, *, workspace: FieldsReader, definition_id: RecordId
) -> Response:
    attributes = definitions.get_definition(workspace, definition_id)
    return render_resource(request, attributes, type_name=DEFINITIONS.type_name)


@router.patch("/custom-fields/{id}", operation_id="updateCustomFieldDefinition")
async def update_definition(
    request: Request, *, workspace: FieldsWriter, definition_id: RecordId
) -> Response:
    def produce(body: bytes) -> Response:
        attributes = definitions.update_definition(
            workspace, definition_id, raw_body=body
        )
        return render_resource(request, attributes, type_name=DEFINITIONS.type_name)

    return await _write(request, workspace=workspace, produce=produce)


@router.delete("/custom-fields/{id}", operation_id="deleteCustomFieldDefinition")
async def delete_definition(
    workspace: FieldsWriter, definition_id: RecordId
) -> Response:
    definitions.delete_definition(workspace, definition_id)
    return render_empty()


@router.get(
    "/{entity_type}/{entity_id}/custom-fields", operation_id="getCustomFieldValues"
)
async def get_values(
    request: Request, *, workspace: FieldsReader, entity_type: str, entity_id: str
) -> Response:
    values = custom_values.read_values(
        workspace, entity_path=entity_type, entity_id=entity_id
    )
    return render_list(request, values, type_name=custom_values.VALUE_TYPE)


@router.put(
    "/{entity_type}/{entity_id}/custom-fields", operation_id="setCustomFieldValues"
)
async def put_values(
    request: Request, *, workspace: FieldsWriter, entity_type: str, entity_id: str
) -> Response:
    def produce(body: bytes) -> Response:
        values = custom_values.write_values(
            workspace, entity_path=entity_type, entity_id=entity_id, raw_body=body
        )
        return render_list(request, values, type_name=custom_values.VALUE_TYPE)

    return await _write(request, workspace=workspace, produce=produce)
