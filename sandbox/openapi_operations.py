"""The operations of the OpenAPI document: paths, parameters, bodies, errors.

Each operation names its success status and body, its request body and the
errors of its own (400, 404, 409, 422); `sandbox.openapi` adds the errors
every operation shares. Operation ids are the nodestash docs' own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.tables import COMPANIES, CONTACTS, DEFINITIONS, Table
from sandbox.types import JsonObject

__all__ = ["OPERATIONS", "OPERATION_IDS", "Operation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    success: int
    answer: str | None
    request: str | None = None
    errors: tuple[int, ...] = ()
    parameters: tuple[JsonObject, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Resource:
    path: str
    name: str
    plural: str
    tag: str
    label: str
    create: str
    update: str
    filters: tuple[JsonObject, ...]
    includes: tuple[str, ...] = ()
    update_conflicts: bool = True


def _query(name: str, schema: JsonObject, *, description: str) -> JsonObject:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _path(name: str, schema: JsonObject) -> JsonObject:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _one_or_more(values: tuple[str, ...] | list[str], *, signed: bool = False) -> str:
    one = f"{'-?' if signed else ''}({'|'.join(values)})"
    return f"^({one}(,{one})*)?$"


def _page_parameters(table: Table, *filters: JsonObject) -> tuple[JsonObject, ...]:
    sort: JsonObject = {
        "type": "string",
        "pattern": _one_or_more(list(table.sortable), signed=True),
    }
    return (
        _query(
            "cursor",
            {"type": "string"},
            description="`next_cursor` of the previous page.",
        ),
        _query(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 100},
            description="Page size; 20 unless the sandbox is set up otherwise.",
        ),
        _query(
            "sort",
            sort,
            description="Comma-separated fields, `-` for descending, each at"
            " most once. Default `-created_at`.",
        ),
        *filters,
    )


def _text_filters(*names: str, exact: bool = False) -> list[JsonObject]:
    kind = "Exact match." if exact else "Case-insensitive substring."
    return [_query(name, {"type": "string"}, description=kind) for name in names]


_TAGS = _query(
    "tags", {"type": "string"}, description="Comma-separated; a match has them all."
)

_RESOURCES = (
    _Resource(
        path="/v1/contacts",
        name="Contact",
        plural="Contacts",
        tag="Contacts",
        label="contact",
        create="ContactInput",
        update="ContactInput",
        filters=_page_parameters(
            CONTACTS,
            *_text_filters("email", "first_name", "last_name"),
            *_text_filters("source", exact=True),
            _query(
                "company_id",
                {"type": "string", "pattern": "^(co_|$)"},
                description="Exact match; a company id (`co_...`).",
            ),
            _TAGS,
        ),
        includes=("company",),
    ),
    _Resource(
        path="/v1/companies",
        name="Company",
        plural="Companies",
        tag="Companies",
        label="company",
        create="CompanyCreate",
        update="CompanyUpdate",
        filters=_page_parameters(
            COMPANIES,
            *_text_filters("name", "domain", "industry"),
            *_text_filters("size", exact=True),
            _TAGS,
        ),
        includes=("contacts", "contact_count"),
    ),
    _Resource(
        path="/v1/custom-fields",
        name="CustomFieldDefinition",
        plural="CustomFieldDefinitions",
        tag="Custom field definitions",
        label="custom field definition",
        create="CustomFieldDefinitionCreate",
        update="CustomFieldDefinitionUpdate",
        filters=_page_parameters(
            DEFINITIONS,
            _query(
                "entity_type",
                {"enum": ["contact", "company", "deal", "activity"]},
                description="Exact match.",
            ),
        ),
        update_conflicts=False,
    ),
)


def _collection_operations(resource: _Resource) -> list[Operation]:
    return [
        Operation(
            method="get",
            path=resource.path,
            operation_id=f"list{resource.plural}",
            summary=f"List {resource.label} records, newest first",
            tag=resource.tag,
            success=200,
            answer=f"{resource.name}Page",
            errors=(400,),
            parameters=resource.filters,
        ),
        Operation(
            method="post",
            path=resource.path,
            operation_id=f"create{resource.name}",
            summary=f"Create a {resource.label}",
            tag=resource.tag,
            success=201,
            answer=f"{resource.name}Envelope",
            request=resource.create,
            errors=(400, 409, 422),
        ),
    ]


def _include(resource: _Resource) -> tuple[JsonObject, ...]:
    if not resource.includes:
        return ()
    schema: JsonObject = {"type": "string", "pattern": _one_or_more(resource.includes)}
    return (_query("include", schema, description="Comma-separated data to embed."),)


def _item_operations(resource: _Resource) -> list[Operation]:
    item, record_id = f"{resource.path}/{{id}}", _path("id", {"type": "string"})
    include = _include(resource)
    conflicts = (409,) if resource.update_conflicts else ()
    return [
        Operation(
            method="get",
            operation_id=f"get{resource.name}",
            summary=f"Get a {resource.label}",
            success=200,
            answer=f"{resource.name}Envelope",
            errors=(400, 404) if include else (404,),
            parameters=(record_id, *include),
            path=item,
            tag=resource.tag,
        ),
        Operation(
            method="patch",
            operation_id=f"update{resource.name}",
            summary=f"Change the fields sent of a {resource.label}",
            success=200,
            answer=f"{resource.name}Envelope",
            request=resource.update,
            errors=(400, 404, 422, *conflicts),
            parameters=(record_id,),
            path=item,
            tag=resource.tag,
        ),
        Operation(
            method="delete",
            operation_id=f"delete{resource.name}",
            summary=f"Delete a {resource.label}",
            success=204,
            answer=None,
            errors=(404,),
            parameters=(record_id,),
            path=item,
            tag=resource.tag,
        ),
    ]


def _value_operations() -> list[Operation]:
    path = "/v1/{entity_type}/{entity_id}/custom-fields"
    tag = "Custom field values"
    entity = (
        _path(
            "entity_type", {"enum": ["contacts", "companies", "deals", "activities"]}
        ),
        _path("entity_id", {"type": "string"}),
    )
    return [
        Operation(
            method="get",
            path=path,
            operation_id="getCustomFieldValues",
            summary="An entity's custom field values that have a definition",
            tag=tag,
            success=200,
            answer="CustomFieldValueList",
            errors=(404,),
            parameters=entity,
        ),
        Operation(
            method="put",
            path=path,
            operation_id="setCustomFieldValues",
            summary="Merge values into an entity's; answer all of them",
            tag=tag,
            success=200,
            answer="CustomFieldValueList",
            request="CustomFieldValuesInput",
            errors=(400, 404, 422),
            parameters=entity,
        ),
    ]


OPERATIONS: tuple[Operation, ...] = (
    *(op for resource in _RESOURCES for op in _collection_operations(resource)),
    *(op for resource in _RESOURCES for op in _item_operations(resource)),
    *_value_operations(),
)
OPERATION_IDS = tuple(operation.operation_id for operation in OPERATIONS)
