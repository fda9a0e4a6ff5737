"""GraphQL over HTTP: media types, status codes, request checks and CSRF.

The policy follows the GraphQL-over-HTTP draft as its conformance suite
(graphql-http) checks it:

- ``application/graphql-response+json`` and ``application/json`` are served,
  chosen by ``Accept``; a missing ``Accept`` or ``*/*`` gets the former; any
  other ``Accept`` gets 406.
- With ``application/graphql-response+json``, a request that cannot execute
  (parse, validation, limit or variable errors) answers 400 with no ``data``;
  with ``application/json`` it answers 200. An executed operation answers 200.
- Queries may use GET; a mutation over GET answers 405 with ``Allow: POST``.
- POST bodies must be ``application/json`` in UTF-8 (else 415) and at most
  ``max_body_bytes`` (else 413); a body that is not a JSON object is a 400.
- A request a browser could send cross-site without a preflight (GET, or POST
  with a form or text content type) is refused unless it carries
  ``Authorization`` or a preflight-forcing header.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson
from graphql import GraphQLError, OperationType
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from gateway.context import GatewayContext
from gateway.documents import OperationLimitExceeded, Prepared, Preparer
from gateway.graphql_errors import classify
from gateway.metrics import observe_refused
from gateway.persisted import PersistedDocuments, PersistedQueryError
from gateway.settings import GatewaySettings
from gateway.shared import SharedState
from gateway.upstream import UpstreamClient

__all__ = ["GRAPHQL_RESPONSE_JSON", "REFUSAL_CODES", "GraphQLEndpoint", "refusal"]

logger = logging.getLogger(__name__)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
_PREFLIGHT_HEADERS = (
    "authorization",
    "x-requested-with",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "graphql-require-preflight",
)
_SIMPLE_CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
)


# Codes of requests refused before any GraphQL runs, by HTTP status.
REFUSAL_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class _Refusal(Exception):
    """A request refused before any GraphQL runs, with its HTTP answer."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: Mapping[str, str] | None = None,
        *,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.code = code or REFUSAL_CODES[status]

    def body(self) -> dict[str, Any]:
        return {
            "errors": [{"message": self.message, "extensions": {"code": self.code}}]
        }


@dataclass(frozen=True, slots=True)
class _Params:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None
    document_id: str | None


class GraphQLEndpoint:
    """Serves ``GET`` and ``POST /graphql`` (and GraphiQL to browsers)."""

    def __init__(
        self,
        *,
        schema: Any,
        settings: GatewaySettings,
        preparer: Preparer,
        graphiql_page: str | None,
        trusted_documents: Mapping[str, str] | None = None,
    ) -> None:
        self.schema = schema
        self.settings = settings
        self.preparer = preparer
        self.graphiql_page = graphiql_page
        self.trusted_documents = trusted_documents
        self.server_authorization = (
            f"Bearer {settings.server_api_key.get_secret_value()}"
            if settings.server_api_key is not None
            else None
        )

    async def __call__(self, request: Request) -> Response:
        if self.graphiql_page is not None and _wants_graphiql(request):
            return HTMLResponse(self.graphiql_page)
        started = time.perf_counter()
        media = JSON
        try:
            media = _negotiate(request.headers.get("accept"))
            params = await self._params(request)
            return await self._run(request, params, media, started)
        except _Refusal as refusal:
            _log_refusal(request, refusal, started)
            return _respond(refusal.body(), refusal.status, media, refusal.headers)

    async def _params(self, request: Request) -> _Params:
        _check_csrf(request)
        if request.method == "GET":
            raw: Mapping[str, Any] = _query_string_params(request)
        else:
            raw = await self._body(request)
        return _parse_params(raw)

    async def _body(self, request: Request) -> dict[str, Any]:
        content_type = request.headers.get("content-type", "")
        mime, _, options = content_type.partition(";")
        if mime.strip().lower() != JSON:
            raise _Refusal(415, "POST bodies must be application/json.")
        encoding = request.headers.get("content-encoding", "identity").lower()
        if encoding != "identity":
            raise _Refusal(415, f"Content-Encoding {encoding} is not supported.")
        charset = re.search(r"charset=([\w-]+)", options, re.IGNORECASE)
        if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
            raise _Refusal(415, "POST bodies must be encoded as UTF-8.")
        body = await _read_limited(request, self.settings.max_body_bytes)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise _Refusal(400, f"The body is not valid UTF-8 JSON: {error}.") from None
        if not isinstance(payload, dict):
            raise _Refusal(400, "The body must be a JSON object.")
        return payload

    async def _run(
        self, request: Request, params: _Params, media: str, started: float
    ) -> Response:
        persisted = PersistedDocuments(_state(request), self.trusted_documents)
        try:
            query = await persisted.resolve(
                params.query, params.extensions, params.document_id
            )
        except PersistedQueryError as refused:
            error = GraphQLError(refused.message, original_error=refused)
            return self._request_errors((error,), media, request, started)
        params = replace(params, query=query)
        prepared = self.preparer.prepare(query)
        if prepared.errors:
            return self._request_errors(prepared.errors, media, request, started)
        await persisted.register()
        operation = prepared.operation(params.operation_name)
        if operation is None:
            raise _Refusal(
                400,
                _missing_operation(params.operation_name),
                code="OPERATION_RESOLUTION_FAILURE",
            )
        if request.method == "GET" and operation.operation is not OperationType.QUERY:
            raise _Refusal(405, "Only queries may be sent with GET.", {"Allow": "POST"})
        try:
            self.preparer.check_cost(prepared, operation, params.variables)
        except OperationLimitExceeded as refused:
            error = GraphQLError(refused.message, original_error=refused)
            return self._request_errors((error,), media, request, started)
        return await self._execute(request, params, prepared, media)

    async def _execute(
        self, request: Request, params: _Params, prepared: Prepared, media: str
    ) -> Response:
        context = GatewayContext.for_request(
            client=_client(request),
            authorization=(
                self.server_authorization or request.headers.get("authorization")
            ),
            request_id=request.state.request_id,
            deadline=time.monotonic() + self.settings.operation_timeout,
            document=prepared.document,
            state=_state(request),
        )
        execution = asyncio.ensure_future(
            self.schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
            )
        )
        if not await _finished_before_disconnect(request, execution):
            context.loaders.cancel()
            logger.info(
                "operation abandoned: the client disconnected request_id=%s",
                request.state.request_id,
            )
            return Response(status_code=499)
        result = execution.result()
        errors = [self._format(error) for error in result.errors or ()]
        if result.data is None and errors and not _has_path(result.errors):
            # Variables that do not coerce: the operation never executed.
            return _respond({"errors": errors}, _request_error_status(media), media)
        body: dict[str, Any] = {"data": result.data}
        if errors:
            body["errors"] = errors
        return _respond(body, 200, media)

    def _request_errors(
        self,
        errors: tuple[GraphQLError, ...],
        media: str,
        request: Request,
        started: float,
    ) -> Response:
        classify(errors, request_id=request.state.request_id)
        _log_refused_operation(request, errors, started)
        body = {"errors": [self._format(error) for error in errors]}
        return _respond(body, _request_error_status(media), media)

    def _format(self, error: GraphQLError) -> dict[str, Any]:
        formatted: dict[str, Any] = dict(error.formatted)
        if self.settings.production:
            formatted["message"] = _SUGGESTION.sub("", formatted["message"])
        return formatted


def refusal(status: int, message: str, headers: Mapping[str, str]) -> Response:
    """A refusal in the endpoint's error shape, for the app's own 404s and 405s."""
    refused = _Refusal(status, message, headers)
    return _respond(refused.body(), status, JSON, refused.headers)


async def _finished_before_disconnect(
    request: Request, execution: asyncio.Future[Any]
) -> bool:
    """Wait for the operation; stop it if the client goes away first.

    A client that gave up should not keep spending the credential's upstream
    budget on retries nobody will read.
    """
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({execution, watcher}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        execution.cancel()
        raise
    finally:
        watcher.cancel()
    if execution.done():
        return True
    execution.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await execution
    return False


async def _disconnected(request: Request) -> None:
    # The body has been read: what the server says next is the disconnect
    # (or, once the response is out, nothing that matters).
    while (await request.receive())["type"] != "http.disconnect":
        continue


def _client(request: Request) -> UpstreamClient:
    client: UpstreamClient = request.app.state.upstream
    return client


def _state(request: Request) -> SharedState:
    state: SharedState = request.app.state.shared
    return state


def _wants_graphiql(request: Request) -> bool:
    return (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and "query" not in request.query_params
    )


def _negotiate(accept: str | None) -> str:
    if not accept:
        return GRAPHQL_RESPONSE_JSON
    ranges = []
    for position, item in enumerate(accept.split(",")):
        mime, _, options = item.partition(";")
        quality = re.search(r"q=([0-9.]+)", options)
        weight = float(quality.group(1)) if quality else 1.0
        if weight > 0:
            ranges.append((-weight, position, mime.strip().lower()))
    for _, _, mime in sorted(ranges):
        if mime in (GRAPHQL_RESPONSE_JSON, "*/*", "application/*"):
            return GRAPHQL_RESPONSE_JSON
        if mime == JSON:
            return JSON
    raise _Refusal(406, f"Accept must allow {GRAPHQL_RESPONSE_JSON} or {JSON}.", {})


def _check_csrf(request: Request) -> None:
    headers = request.headers
    if any(headers.get(name) for name in _PREFLIGHT_HEADERS):
        return
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if (
        request.method == "GET"
        or not content_type
        or (content_type in _SIMPLE_CONTENT_TYPES)
    ):
        raise _Refusal(
            400,
            "This request could have been sent by another site without the "
            "browser asking first. Send it with Content-Type: application/json "
            "and an Authorization header, or add the header "
            "GraphQL-Require-Preflight: 1.",
        )


def _query_string_params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    for name in ("variables", "extensions"):
        if name in params:
            try:
                params[name] = orjson.loads(params[name])
            except orjson.JSONDecodeError:
                raise _Refusal(400, f"The {name} parameter is not JSON.") from None
    return params


def _parse_params(raw: Mapping[str, Any]) -> _Params:
    query, variables, name = (
        raw.get("query"),
        raw.get("variables"),
        raw.get("operationName"),
    )
    extensions, document_id = raw.get("extensions"), raw.get("documentId")
    persisted = extensions is not None or document_id is not None
    if query is None and not persisted:
        raise _Refusal(400, "The query parameter is required.")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise _Refusal(400, "The query parameter must be a non-empty string.")
    if variables is not None and not isinstance(variables, dict):
        raise _Refusal(400, "The variables parameter must be a JSON object.")
    if name is not None and not isinstance(name, str):
        raise _Refusal(400, "The operationName parameter must be a string.")
    if extensions is not None and not isinstance(extensions, dict):
        raise _Refusal(400, "The extensions parameter must be a JSON object.")
    if document_id is not None and not isinstance(document_id, str):
        raise _Refusal(400, "The documentId parameter must be a string.")
    return _Params(query, variables, name or None, extensions, document_id)


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _Refusal(413, f"The body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refusal(413, f"The body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def _missing_operation(name: str | None) -> str:
    if name is None:
        return (
            "The document holds several operations: say which to run with "
            "operationName."
        )
    return f"The document has no operation named '{name}'."


def _has_path(errors: Any) -> bool:
    return any(error.path for error in errors or ())


def _request_error_status(media: str) -> int:
    # The conformance suite expects 400 for graphql-response+json and 200 for
    # legacy application/json clients (trap noted in graphql-http's audits).
    return 400 if media == GRAPHQL_RESPONSE_JSON else 200


def _respond(
    body: Mapping[str, Any],
    status: int,
    media: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=f"{media}; charset=utf-8",
        headers=dict(headers or {}),
    )


def _log_refusal(request: Request, refusal: _Refusal, started: float) -> None:
    observe_refused(f"HTTP_{refusal.status}", started)
    logger.info(
        "operation refused status=%d ms=%.1f request_id=%s: %s",
        refusal.status,
        (time.perf_counter() - started) * 1000,
        request.state.request_id,
        refusal.message,
    )


def _log_refused_operation(
    request: Request, errors: tuple[GraphQLError, ...], started: float
) -> None:
    codes = ",".join(str((e.extensions or {}).get("code")) for e in errors)
    observe_refused(codes.split(",")[0], started)
    logger.info(
        "operation refused codes=%s ms=%.1f upstream_calls=0 request_id=%s",
        codes,
        (time.perf_counter() - started) * 1000,
        request.state.request_id,
    )
