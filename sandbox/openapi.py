"""The OpenAPI 3.1 document served at `/openapi.json`, built from the operations.

Operation ids are the nodestash docs' own. Every operation lists its
request body, its success answer and each error it can give: 401 for a
missing or unknown key, 403 for a missing scope, 429 over the plan's
limits, 500 when a fault rule injects one, and the route's own 400, 404,
409 and 422 (422 also answers an `Idempotency-Key` reused with another
body). Response headers are described as sent: `X-Request-Id` on every
answer, the five `X-RateLimit-*` headers on all but 401s, `Retry-After` on
429s. The admin API is not part of the document.
"""

from __future__ import annotations

from sandbox.openapi_operations import OPERATIONS, Operation
from sandbox.openapi_schemas import ERROR_CODES, SCHEMAS, ref
from sandbox.types import JsonObject

__all__ = ["openapi_document"]

_RATE_HEADERS = {
    "X-RateLimit-Limit": "The plan's daily quota (2147483647: unlimited).",
    "X-RateLimit-Remaining": "Requests left today.",
    "X-RateLimit-Reset": "Unix time (seconds) of the next 00:00 UTC.",
    "X-RateLimit-Burst-Limit": "Requests allowed in any one second.",
    "X-RateLimit-Burst-Remaining": "Requests left in the current second.",
}
_COMMON_ERRORS = (401, 403, 429, 500)


def _header(description: str, schema: JsonObject) -> JsonObject:
    return {"description": description, "required": True, "schema": schema}


def _headers() -> JsonObject:
    headers: JsonObject = {
        name: _header(text, {"type": "integer", "minimum": 0})
        for name, text in _RATE_HEADERS.items()
    }
    headers["X-Request-Id"] = _header(
        "Equals `meta.request_id`.", {"type": "string", "pattern": "^req_"}
    )
    headers["Retry-After"] = _header(
        "Seconds to wait before retrying.", {"type": "integer", "minimum": 0}
    )
    headers["Idempotent-Replayed"] = {
        "description": "`true` on an answer replayed for a reused `Idempotency-Key`.",
        "schema": {"const": "true"},
    }
    return headers


def _header_refs(status: int, *, write: bool = False) -> JsonObject:
    names = ["X-Request-Id"]
    if status != 401:
        names += list(_RATE_HEADERS)
    if status == 429:
        names.append("Retry-After")
    if write and status < 300:
        names.append("Idempotent-Replayed")
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _error_responses() -> JsonObject:
    return {
        f"Error{status}": {
            "description": " or ".join(ERROR_CODES[status]),
            "headers": _header_refs(status),
            "content": {"application/json": {"schema": ref(f"Error{status}")}},
        }
        for status in ERROR_CODES
    }


def _responses(operation: Operation, *, write: bool) -> JsonObject:
    success: JsonObject = {
        "description": "Success",
        "headers": _header_refs(operation.success, write=write),
    }
    if operation.answer is not None:
        schema = ref(operation.answer)
        success["content"] = {"application/json": {"schema": schema}}
    responses: JsonObject = {str(operation.success): success}
    for status in sorted({*operation.errors, *_COMMON_ERRORS}):
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    return responses


def _operation(operation: Operation) -> JsonObject:
    write = operation.method in ("post", "patch", "put")
    parameters = list(operation.parameters)
    if write:
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    document: JsonObject = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
        "parameters": parameters,
        "responses": _responses(operation, write=write),
    }
    if operation.request is not None:
        content = {"application/json": {"schema": ref(operation.request)}}
        document["requestBody"] = {"required": True, "content": content}
    return document


_IDEMPOTENCY_KEY: JsonObject = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": ref("IdempotencyKey"),
    "description": "Replays the first successful answer to the same key and"
    " body; another body with the same key is a 422.",
}


def _components() -> JsonObject:
    return {
        "schemas": SCHEMAS,
        "responses": _error_responses(),
        "headers": _headers(),
        "parameters": {"IdempotencyKey": _IDEMPOTENCY_KEY},
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    }


def openapi_document() -> JsonObject:
    """The whole document, freshly built."""
    paths: dict[str, JsonObject] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "nodestash REST API (sandbox)",
            "version": "v1",
            "description": "A local stand-in for https://api.nodestash.io/v1.",
        },
        "paths": paths,
        "components": _components(),
        "security": [{"bearerAuth": []}],
    }
