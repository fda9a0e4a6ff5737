"""JSON response envelopes (nodestash-api.md §3) and their HTTP responses.

Every body carries `meta.request_id`, the id the request-tracking middleware
gave the request and also sends as `X-Request-Id`.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from sandbox.errors import ApiError
from sandbox.listing import Page
from sandbox.types import JsonObject

__all__ = [
    "error_body",
    "error_response",
    "render_empty",
    "render_error",
    "render_list",
    "render_page",
    "render_resource",
    "request_id_in",
    "request_id_of",
]


def request_id_of(request: Request) -> str:
    return str(request.state.request_id)


def request_id_in(scope: Scope) -> str:
    """The request id, for code that sees the ASGI scope rather than a Request."""
    return str(scope["state"]["request_id"])


def _resource(type_name: str, attributes: JsonObject) -> JsonObject:
    return {"id": attributes["id"], "type": type_name, "attributes": attributes}


def _json(body: Mapping[str, object], *, status_code: int) -> Response:
    return Response(
        orjson.dumps(body), status_code=status_code, media_type="application/json"
    )


def render_resource(
    request: Request,
    attributes: JsonObject,
    *,
    type_name: str,
    status_code: int = 200,
) -> Response:
    body = {
        "data": _resource(type_name, attributes),
        "meta": {"request_id": request_id_of(request)},
    }
    return _json(body, status_code=status_code)


def render_page(request: Request, page: Page, *, type_name: str) -> Response:
    pagination = {"next_cursor": page.next_cursor, "has_more": page.has_more}
    body = {
        "data": [_resource(type_name, item) for item in page.items],
        "meta": {"request_id": request_id_of(request), "pagination": pagination},
    }
    return _json(body, status_code=200)


def render_list(
    request: Request, items: list[JsonObject], *, type_name: str
) -> Response:
    """A list without pagination, as the custom field values endpoint sends."""
    body = {
        "data": [_resource(type_name, item) for item in items],
        "meta": {"request_id": request_id_of(request)},
    }
    return _json(body, status_code=200)


def render_empty() -> Response:
    return Response(status_code=204)


def error_body(error: ApiError, request_id: str) -> bytes:
    return orjson.dumps({"error": error.as_json(), "meta": {"request_id": request_id}})


def error_response(error: ApiError, request_id: str) -> Response:
    return Response(
        error_body(error, request_id),
        status_code=error.status_code,
        headers=error.headers,
        media_type="application/json",
    )


def render_error(request: Request, error: ApiError) -> Response:
    return error_response(error, request_id_of(request))
