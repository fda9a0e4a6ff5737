"""The `/v1` REST routes: contacts, companies, custom fields and their values.

Handlers authenticate, hand the raw query or body to the resource module and
render its result. Bodies are read as raw bytes and checked by the sandbox
itself, so every validation error uses the nodestash envelope. The
`Content-Type` of a request is not checked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from sandbox import companies, contacts, custom_values, definitions
from sandbox.context import current_workspace, sandbox_state
from sandbox.envelopes import render_empty, render_list, render_page, render_resource
from sandbox.tables import COMPANIES, CONTACTS, DEFINITIONS, Workspace

__all__ = ["router"]

router = APIRouter(prefix="/v1")

CallerWorkspace = Annotated[Workspace, Depends(current_workspace)]
RecordId = Annotated[str, Path(alias="id")]


def _default_limit(request: Request) -> int:
    return sandbox_state(request).settings.default_limit


@router.get("/contacts")
async def list_contacts(request: Request, workspace: CallerWorkspace) -> Response:
    page = contacts.list_contacts(
        workspace, request.query_params, default_limit=_default_limit(request)
    )
    return render_page(request, page, type_name=CONTACTS.type_name)


@router.post("/contacts")
async def create_contact(request: Request, workspace: CallerWorkspace) -> Response:
    attributes = contacts.create_contact(workspace, await request.body())
    return render_resource(
        request, attributes, type_name=CONTACTS.type_name, status_code=201
    )


@router.get("/contacts/{id}")
async def get_contact(
    request: Request, *, workspace: CallerWorkspace, contact_id: RecordId
) -> Response:
    attributes = contacts.get_contact(workspace, contact_id, query=request.query_params)
    return render_resource(request, attributes, type_name=CONTACTS.type_name)


@router.patch("/contacts/{id}")
async def update_contact(
    request: Request, *, workspace: CallerWorkspace, contact_id: RecordId
) -> Response:
    attributes = contacts.update_contact(
        workspace, contact_id, raw_body=await request.body()
    )
    return render_resource(request, attributes, type_name=CONTACTS.type_name)


@router.delete("/contacts/{id}")
async def delete_contact(workspace: CallerWorkspace, contact_id: RecordId) -> Response:
    contacts.delete_contact(workspace, contact_id)
    return render_empty()


@router.get("/companies")
async def list_companies(request: Request, workspace: CallerWorkspace) -> Response:
    page = companies.list_companies(
        workspace, request.query_params, default_limit=_default_limit(request)
    )
    return render_page(request, page, type_name=COMPANIES.type_name)


@router.post("/companies")
async def create_company(request: Request, workspace: CallerWorkspace) -> Response:
    attributes = companies.create_company(workspace, await request.body())
    return render_resource(
        request, attributes, type_name=COMPANIES.type_name, status_code=201
    )


@router.get("/companies/{id}")
async def get_company(
    request: Request, *, workspace: CallerWorkspace, company_id: RecordId
) -> Response:
    attributes = companies.get_company(
        workspace, company_id, query=request.query_params
    )
    return render_resource(request, attributes, type_name=COMPANIES.type_name)


@router.patch("/companies/{id}")
async def update_company(
    request: Request, *, workspace: CallerWorkspace, company_id: RecordId
) -> Response:
    attributes = companies.update_company(
        workspace, company_id, raw_body=await request.body()
    )
    return render_resource(request, attributes, type_name=COMPANIES.type_name)


@router.delete("/companies/{id}")
async def delete_company(workspace: CallerWorkspace, company_id: RecordId) -> Response:
    companies.delete_company(workspace, company_id)
    return render_empty()


@router.get("/custom-fields")
async def list_definitions(request: Request, workspace: CallerWorkspace) -> Response:
    page = definitions.list_definitions(
        workspace, request.query_params, default_limit=_default_limit(request)
    )
    return render_page(request, page, type_name=DEFINITIONS.type_name)


@router.post("/custom-fields")
async def create_definition(request: Request, workspace: CallerWorkspace) -> Response:
    attributes = definitions.create_definition(workspace, await request.body())
    return render_resource(
        request, attributes, type_name=DEFINITIONS.type_name, status_code=201
    )


@router.get("/custom-fields/{id}")
async def get_definition(
    request: Request, *, workspace: CallerWorkspace, definition_id: RecordId
) -> Response:
    attributes = definitions.get_definition(workspace, definition_id)
    return render_resource(request, attributes, type_name=DEFINITIONS.type_name)


@router.patch("/custom-fields/{id}")
async def update_definition(
    request: Request, *, workspace: CallerWorkspace, definition_id: RecordId
) -> Response:
    attributes = definitions.update_definition(
        workspace, definition_id, raw_body=await request.body()
    )
    return render_resource(request, attributes, type_name=DEFINITIONS.type_name)


@router.delete("/custom-fields/{id}")
async def delete_definition(
    workspace: CallerWorkspace, definition_id: RecordId
) -> Response:
    definitions.delete_definition(workspace, definition_id)
    return render_empty()


@router.get("/{entity_type}/{entity_id}/custom-fields")
async def get_values(
    request: Request, *, workspace: CallerWorkspace, entity_type: str, entity_id: str
) -> Response:
    values = custom_values.read_values(
        workspace, entity_path=entity_type, entity_id=entity_id
    )
    return render_list(request, values, type_name=custom_values.VALUE_TYPE)


@router.put("/{entity_type}/{entity_id}/custom-fields")
async def put_values(
    request: Request, *, workspace: CallerWorkspace, entity_type: str, entity_id: str
) -> Response:
    values = custom_values.write_values(
        workspace,
        entity_path=entity_type,
        entity_id=entity_id,
        raw_body=await request.body(),
    )
    return render_list(request, values, type_name=custom_values.VALUE_TYPE)
