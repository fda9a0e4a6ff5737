"""The JSON Schemas of the OpenAPI document: resources, request bodies, envelopes.

Request bodies carry the limits the sandbox enforces, so a body the schema
accepts fails only on what a schema cannot say (uniqueness, references,
custom field values against their definitions). Objects the sandbox
writes list every attribute; `include` attributes are optional.
"""

from __future__ import annotations

from sandbox.custom_values import ENTITY_TYPES
from sandbox.field_types import FIELD_TYPES, SELECT_TYPES
from sandbox.idempotency import KEY_MAX_LENGTH
from sandbox.types import JsonObject
from sandbox.validation import EMAIL_MAX_LENGTH, EMAIL_PATTERN

__all__ = ["ERROR_CODES", "SCHEMAS", "ref"]

Schema = JsonObject

ERROR_CODES = {
    400: ["VALIDATION_ERROR"],
    401: ["MISSING_AUTH", "INVALID_API_KEY"],
    403: ["INSUFFICIENT_SCOPE"],
    404: ["NOT_FOUND"],
    409: ["CONFLICT"],
    422: ["UNPROCESSABLE_ENTITY"],
    429: ["RATE_LIMITED"],
    500: ["INTERNAL_ERROR"],
}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(max_length: int, *, min_length: int = 0, nullable: bool = True) -> Schema:
    schema: Schema = {"type": ["string", "null"] if nullable else "string"}
    schema["maxLength"] = max_length
    if min_length:
        schema["minLength"] = min_length
    return schema


def _id(prefix: str) -> Schema:
    return {"type": "string", "pattern": f"^{prefix}[A-Za-z0-9]+$"}


def _closed(properties: Schema, *, required: list[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


_NULLABLE_TEXT: Schema = {"type": ["string", "null"]}
_TIMESTAMP: Schema = {
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
}
_CUSTOM_FIELDS: Schema = {
    "type": "object",
    "description": "Custom field values by definition slug.",
}
_TAGS_OUT: Schema = {"type": "array", "items": {"type": "string"}}
_TAGS_IN: Schema = {
    "type": "array",
    "maxItems": 20,
    "items": {"type": "string", "minLength": 1, "maxLength": 50},
    "description": "Repeated tags are stored once.",
}
_EMAIL_IN: Schema = {
    "type": ["string", "null"],
    "maxLength": EMAIL_MAX_LENGTH,
    "pattern": f"^{EMAIL_PATTERN.pattern}$",
    "description": "Unique per workspace, ignoring case (409 otherwise).",
}
_STAMPS = {"created_at": _TIMESTAMP, "updated_at": _TIMESTAMP}

_CONTACT_REQUIRED = [
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "company_id",
    "title",
    "source",
    "custom_fields",
    "tags",
    "created_at",
    "updated_at",
]
_CONTACT: Schema = _closed(
    {
        "id": _id("ct_"),
        "email": _NULLABLE_TEXT,
        "first_name": _NULLABLE_TEXT,
        "last_name": _NULLABLE_TEXT,
        "phone": _NULLABLE_TEXT,
        "company_id": _NULLABLE_TEXT,
        "title": _NULLABLE_TEXT,
        "source": _NULLABLE_TEXT,
        "custom_fields": _CUSTOM_FIELDS,
        "tags": _TAGS_OUT,
        **_STAMPS,
        "company": {
            "anyOf": [ref("Company"), {"type": "null"}],
            "description": "Only with `include=company`.",
        },
    },
    required=_CONTACT_REQUIRED,
)

_COMPANY: Schema = _closed(
    {
        "id": _id("co_"),
        "name": {"type": "string"},
        "domain": _NULLABLE_TEXT,
        "industry": _NULLABLE_TEXT,
        "size": _NULLABLE_TEXT,
        "custom_fields": _CUSTOM_FIELDS,
        "tags": _TAGS_OUT,
        **_STAMPS,
        "contacts": {
            "type": "array",
            "maxItems": 100,
            "items": ref("Contact"),
            "description": "Only with `include=contacts`: the newest 100.",
        },
        "contact_count": {
            "type": "integer",
            "minimum": 0,
            "description": "Only with `include=contact_count`.",
        },
    },
    required=[
        "id",
        "name",
        "domain",
        "industry",
        "size",
        "custom_fields",
        "tags",
        "created_at",
        "updated_at",
    ],
)

_OPTIONS_OUT: Schema = {
    "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]
}
_DEFINITION: Schema = _closed(
    {
        "id": _id("cf_"),
        "entity_type": {"enum": list(ENTITY_TYPES)},
        "name": {"type": "string"},
        "slug": {"type": "string"},
        "field_type": {"enum": list(FIELD_TYPES)},
        "description": _NULLABLE_TEXT,
        "is_required": {"type": "boolean"},
        "options": _OPTIONS_OUT,
        "display_order": {"type": "integer"},
        **_STAMPS,
    }
)

_VALUE: Schema = _closed(
    {
        "id": _id("cfv_"),
        "field_definition_id": _id("cf_"),
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "field_type": {"enum": list(FIELD_TYPES)},
        "value": {"description": "Shaped by `field_type`."},
    }
)

_CUSTOM_FIELDS_IN: Schema = {
    "type": "object",
    "description": "Merged into the stored map; `null` removes a key."
    " Values of defined slugs must fit their definition (400).",
}
_CONTACT_IN: Schema = _closed(
    {
        "email": _EMAIL_IN,
        "first_name": _text(100),
        "last_name": _text(100),
        "phone": _text(50),
        "company_id": {
            **_text(100),
            "description": "A company of this workspace (422 otherwise).",
        },
        "title": _text(200),
        "source": _text(100),
        "custom_fields": _CUSTOM_FIELDS_IN,
        "tags": _TAGS_IN,
    },
    required=[],
)


def _company_in(*, creating: bool) -> Schema:
    return _closed(
        {
            "name": _text(200, min_length=1, nullable=False),
            "domain": {
                **_text(255),
                "description": "Unique per workspace, ignoring case (409).",
            },
            "industry": _text(100),
            "size": _text(50),
            "custom_fields": _CUSTOM_FIELDS_IN,
            "tags": _TAGS_IN,
        },
        required=["name"] if creating else [],
    )


_OPTIONS_IN: Schema = {
    "anyOf": [
        {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 1, "maxLength": 100},
        },
        {"type": "null"},
    ]
}
_DEFINITION_MUTABLE: Schema = {
    "name": _text(200, min_length=1, nullable=False),
    "description": _text(1000),
    "is_required": {"type": "boolean"},
    "options": _OPTIONS_IN,
    "display_order": {
        "type": "integer",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    },
}
_DEFINITION_CREATE: Schema = _closed(
    _DEFINITION_MUTABLE
    | {
        "entity_type": {"enum": list(ENTITY_TYPES)},
        "slug": {
            "anyOf": [
                {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 100},
                {"type": "null"},
            ],
            "description": "Derived from `name` when absent; unique per"
            " entity type (409).",
        },
        "field_type": {"enum": list(FIELD_TYPES)},
    },
    required=["entity_type", "name", "field_type"],
)
_DEFINITION_CREATE["if"] = {
    "properties": {"field_type": {"enum": sorted(SELECT_TYPES)}},
}
_DEFINITION_CREATE["then"] = {
    "required": ["options"],
    "properties": {"options": {"type": "array"}},
}
_DEFINITION_CREATE["else"] = {"properties": {"options": {"type": "null"}}}

_DEFINITION_UPDATE: Schema = {
    **_closed(_DEFINITION_MUTABLE, required=[]),
    "description": "`options` may be sent only for select and multi_select"
    " definitions (400 otherwise).",
}

_VALUES_IN: Schema = _closed(
    {
        "fields": {
            "type": "object",
            "description": "Values by slug, merged into the entity's values;"
            " `null` removes one. Every slug needs a definition (400).",
        }
    }
)


def _resource(type_name: str, attributes: str) -> Schema:
    return _closed(
        {
            "id": {"type": "string"},
            "type": {"const": type_name},
            "attributes": ref(attributes),
        }
    )


_REQUEST_ID: Schema = {"type": "string", "pattern": "^req_[A-Za-z0-9]{24}$"}
_META: Schema = _closed({"request_id": _REQUEST_ID})
_PAGE_META: Schema = _closed(
    {
        "request_id": _REQUEST_ID,
        "pagination": _closed(
            {"next_cursor": _NULLABLE_TEXT, "has_more": {"type": "boolean"}}
        ),
    }
)
_FIELD_ERROR: Schema = _closed(
    {"field": {"type": "string"}, "message": {"type": "string"}}
)


def _error(status: int) -> Schema:
    properties: Schema = {
        "code": {"enum": ERROR_CODES[status]},
        "message": {"type": "string"},
        "details": {"type": "array", "items": ref("FieldError")},
    }
    required = ["code", "message"]
    if status == 429:
        properties |= {
            "retry_after": {"type": "integer", "minimum": 0},
            "upgrade_url": {"type": "string"},
        }
        required += ["retry_after", "upgrade_url"]
    return _closed(
        {"error": _closed(properties, required=required), "meta": ref("Meta")}
    )


def _envelopes() -> Schema:
    schemas: Schema = {}
    for name, type_name in (
        ("Contact", "contact"),
        ("Company", "company"),
        ("CustomFieldDefinition", "custom_field_definition"),
    ):
        resource = _resource(type_name, name)
        schemas[f"{name}Envelope"] = _closed({"data": resource, "meta": ref("Meta")})
        schemas[f"{name}Page"] = _closed(
            {"data": {"type": "array", "items": resource}, "meta": ref("PageMeta")}
        )
    values = {
        "type": "array",
        "items": _resource("custom_field_value", "CustomFieldValue"),
    }
    schemas["CustomFieldValueList"] = _closed({"data": values, "meta": ref("Meta")})
    return schemas


SCHEMAS: Schema = {
    "Contact": _CONTACT,
    "Company": _COMPANY,
    "CustomFieldDefinition": _DEFINITION,
    "CustomFieldValue": _VALUE,
    "ContactInput": _CONTACT_IN,
    "CompanyCreate": _company_in(creating=True),
    "CompanyUpdate": _company_in(creating=False),
    "CustomFieldDefinitionCreate": _DEFINITION_CREATE,
    "CustomFieldDefinitionUpdate": _DEFINITION_UPDATE,
    "CustomFieldValuesInput": _VALUES_IN,
    "Meta": _META,
    "PageMeta": _PAGE_META,
    "FieldError": _FIELD_ERROR,
    "IdempotencyKey": {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH},
    **{f"Error{status}": _error(status) for status in ERROR_CODES},
    **_envelopes(),
}
