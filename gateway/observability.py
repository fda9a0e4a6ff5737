"""Request ids, the one log line per GraphQL operation, and the ops endpoints.

``install_observability`` adds what an operator scrapes and probes:
``/readyz``, ``/metrics``, the in-flight gauge and, when on, tracing.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from gateway.context import GatewayContext
from gateway.health import Readiness
from gateway.logs import REQUEST_ID
from gateway.metrics import (
    IN_FLIGHT,
    metrics_endpoint,
    observe_cache,
    observe_operation,
)
from gateway.settings import GatewaySettings
from gateway.tracing import ACTIVE, TracingMiddleware, build_spans

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

__all__ = [
    "OperationLog",
    "RequestIdMiddleware",
    "install_observability",
    "new_request_id",
]

logger = logging.getLogger(__name__)

# Echoed ids end up in logs and headers: accept only plain tokens.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_request_id() -> str:
    return f"gw_{uuid.uuid4().hex}"


class RequestIdMiddleware:
    """Adopt the caller's ``X-Request-Id`` (or mint one) and return it; count
    the request in ``gateway_http_requests_in_flight`` while it runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        token = REQUEST_ID.set(request_id)
        try:
            with IN_FLIGHT.track_inprogress():
                await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if _SAFE_REQUEST_ID.match(candidate) else None
    return None


class OperationLog(SchemaExtension):
    """One log line, metrics and (when tracing) a span per operation."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        spans = ACTIVE.get()
        span = spans.start_operation() if spans is not None else None
        yield
        done = _Finished.of(self.execution_context, time.perf_counter() - started)

        _log_operation(done)
        observe_operation(
            name=done.name,
            operation_type=done.operation_type,
            outcome=done.outcome,
            seconds=done.seconds,
        )
        observe_cache(done.definitions_cache)
        if spans is not None and span is not None:
            spans.end_operation(
                span,
                name=done.name,
                operation_type=done.operation_type,
                outcome=done.outcome,
                upstream_calls=done.upstream_calls,
            )


@dataclass(frozen=True, slots=True)
class _Finished:
    """What the log line, the metrics and the span say about an operation."""

    name: str | None
    operation_type: str
    seconds: float
    upstream_calls: int
    codes: list[str]
    request_id: str
    definitions_cache: Any

    @classmethod
    def of(cls, context: ExecutionContext, seconds: float) -> _Finished:
        gateway = (
            context.context if isinstance(context.context, GatewayContext) else None
        )
        errors = context.result.errors if context.result is not None else None
        return cls(
            name=context.operation_name,
            operation_type=_operation_type(context),
            seconds=seconds,
            upstream_calls=gateway.caller.calls if gateway else 0,
            codes=[
                str((error.extensions or {}).get("code", "INTERNAL_SERVER_ERROR"))
                for error in errors or ()
            ],
            request_id=gateway.caller.request_id if gateway else "-",
            definitions_cache=_definitions_cache(gateway),
        )

    @property
    def outcome(self) -> str:
        return self.codes[0] if self.codes else "ok"


def _definitions_cache(gateway: GatewayContext | None) -> Any:
    # The in-process state's cache counts hits and misses; Redis keeps none.
    if gateway is None:
        return None
    return getattr(gateway.loaders.definition_sets.state, "definitions_cache", None)


def _log_operation(done: _Finished) -> None:
    fields = {
        # "name" is taken on a LogRecord; the operation's is "operation".
        "operation": done.name,
        "type": done.operation_type,
        "duration_ms": round(done.seconds * 1000, 1),
        "upstream_calls": done.upstream_calls,
        "outcome": done.outcome,
        "errors": sorted(set(done.codes)),
        "request_id": done.request_id,
    }
    logger.info(
        "operation name=%(label)s type=%(type)s ms=%(duration_ms).1f "
        "upstream_calls=%(upstream_calls)d errors=%(count)d "
        "request_id=%(request_id)s",
        {**fields, "label": done.name or "-", "count": len(done.codes)},
        extra=fields,
    )


def _operation_type(context: object) -> str:
    try:
        return str(context.operation_type.value)  # type: ignore[attr-defined]
    except (RuntimeError, AttributeError):
        return "-"


def install_observability(
    app: FastAPI,
    settings: GatewaySettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    span_exporter: SpanExporter | None = None,
) -> None:
    """Add ``/readyz``, ``/metrics`` and the middleware that feeds them.

    Args:
        app: the gateway app, before it starts.
        settings: the gateway's settings.
        transport: the upstream transport, for the readiness probe.
        span_exporter: where spans go when tracing is on; tests pass an
            in-memory one, otherwise ``OTEL_TRACES_EXPORTER`` decides.
    """
    readiness = Readiness(settings, transport)
    app.add_api_route("/readyz", readiness, methods=["GET"], include_in_schema=False)
    if settings.metrics:
        app.add_api_route(
            "/metrics",
            metrics_endpoint(settings.prometheus_multiproc_dir),
            methods=["GET"],
            include_in_schema=False,
        )
    spans = build_spans(settings, span_exporter)
    if spans is not None:
        app.add_middleware(TracingMiddleware, spans=spans)
