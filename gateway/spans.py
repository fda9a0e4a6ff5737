"""OpenTelemetry spans for operations and upstream calls (the ``tracing`` extra).

Imported only when ``GATEWAY_TRACING`` is on; ``gateway.tracing`` is the
light module the rest of the gateway talks to. Spans go to a tracer provider
of the gateway's own, exported as the standard ``OTEL_*`` variables say.

An upstream call's span is recorded when the call has ended, from its
measured duration; the ``traceparent`` sent with it announced the span's id
beforehand, so nodestash's side of the trace hangs under the right span.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode

from gateway.metrics import upstream_route

if TYPE_CHECKING:
    from opentelemetry.context import Context

    from gateway.settings import GatewaySettings

__all__ = ["Spans"]

logger = logging.getLogger(__name__)

_SERVICE = "nodestash-gateway"
# The span id a call's traceparent already announced (see the module docstring).
_PRESET_SPAN_ID: ContextVar[int | None] = ContextVar("preset_span_id", default=None)


class _PresetIds(RandomIdGenerator):
    """Random ids, except a span id that was announced before its span began."""

    def generate_span_id(self) -> int:
        preset = _PRESET_SPAN_ID.get()
        return preset if preset is not None else super().generate_span_id()


@dataclass(slots=True)
class OperationSpan:
    """An operation's span and the context token that made it current."""

    span: trace.Span
    token: Token[Context]


class Spans:
    """Starts and records the gateway's spans with its own tracer provider."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer = provider.get_tracer("gateway")

    @classmethod
    def from_settings(
        cls, settings: GatewaySettings, exporter: SpanExporter | None = None
    ) -> Spans:
        """Spans exported to ``exporter``, or as ``OTEL_TRACES_EXPORTER`` says."""
        provider = TracerProvider(
            resource=_resource(),
            id_generator=_PresetIds(),
            shutdown_on_exit=exporter is None,
        )
        if exporter is not None:
            provider.add_span_processor(SimpleSpanProcessor(exporter))
        elif (configured := _exporter(settings.otel_traces_exporter)) is not None:
            provider.add_span_processor(BatchSpanProcessor(configured))
        return cls(provider)

    def continue_trace(self, headers: Iterable[tuple[bytes, bytes]]) -> Token[Context]:
        """Make an incoming ``traceparent`` the parent of what follows."""
        carrier = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in headers
        }
        return otel_context.attach(propagate.extract(carrier))

    def detach(self, token: Token[Context]) -> None:
        otel_context.detach(token)

    def start_operation(self) -> OperationSpan:
        span = self.tracer.start_span("GraphQL operation", kind=SpanKind.SERVER)
        token = otel_context.attach(trace.set_span_in_context(span))
        return OperationSpan(span, token)

    def end_operation(
        self,
        operation: OperationSpan,
        *,
        name: str | None,
        operation_type: str,
        outcome: str,
        upstream_calls: int,
    ) -> None:
        span = operation.span
        span.update_name(f"{operation_type} {name}" if name else operation_type)
        span.set_attribute("graphql.operation.type", operation_type)
        if name:
            span.set_attribute("graphql.operation.name", name)
        span.set_attribute("gateway.upstream_calls", upstream_calls)
        span.set_attribute("gateway.outcome", outcome)
        if outcome != "ok":
            span.set_status(Status(StatusCode.ERROR, outcome))
        span.end()
        otel_context.detach(operation.token)

    def inject(self, headers: dict[str, str]) -> None:
        """Add ``traceparent`` (and ``tracestate``) naming a new call span."""
        parent = trace.get_current_span().get_span_context()
        if not parent.is_valid:
            return
        headers["traceparent"] = _traceparent(parent.trace_id, parent.trace_flags)
        if parent.trace_state:
            headers["tracestate"] = parent.trace_state.to_header()

    def record_call(
        self,
        *,
        method: str,
        path: str,
        headers: dict[str, str],
        status: int | str,
        seconds: float,
        attempt: int,
    ) -> None:
        """Record one attempt's span under the id its ``traceparent`` announced.

        The same headers go out again on a retry, so they get a fresh span id
        for the next attempt here.
        """
        announced = headers.get("traceparent")
        if announced is None:
            return
        _, trace_id, span_id, flags = announced.split("-")
        route = upstream_route(path)
        preset = _PRESET_SPAN_ID.set(int(span_id, 16))
        try:
            span = self.tracer.start_span(
                f"{method} {route}",
                kind=SpanKind.CLIENT,
                start_time=time.time_ns() - int(seconds * 1e9),
                attributes=_call_attributes(
                    method=method, route=route, status=status, attempt=attempt
                ),
            )
        finally:
            _PRESET_SPAN_ID.reset(preset)
        if not isinstance(status, int) or status >= 400:
            span.set_status(Status(StatusCode.ERROR, str(status)))
        span.end()
        headers["traceparent"] = _traceparent(int(trace_id, 16), int(flags, 16))

    def shutdown(self) -> None:
        self.provider.shutdown()


def _traceparent(trace_id: int, flags: int) -> str:
    # W3C Trace Context §3.2: version 00, trace id, parent (span) id, flags.
    span_id = random.getrandbits(64) or 1
    return f"00-{trace_id:032x}-{span_id:016x}-{flags:02x}"


def _call_attributes(
    *, method: str, route: str, status: int | str, attempt: int
) -> dict[str, str | int]:
    # Names from OpenTelemetry's HTTP client semantic conventions.
    attributes: dict[str, str | int] = {
        "http.request.method": method,
        "url.template": route,
    }
    if isinstance(status, int):
        attributes["http.response.status_code"] = status
    else:
        attributes["error.type"] = status
    if attempt:
        attributes["http.request.resend_count"] = attempt
    return attributes


def _resource() -> Resource:
    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over our default name.
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: _SERVICE}))
    return resource


def _exporter(name: str) -> SpanExporter | None:
    if name == "none":
        return None
    if name == "console":
        return ConsoleSpanExporter()
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )
    except ImportError:
        logger.warning(
            "tracing is on but opentelemetry-exporter-otlp-proto-http is not "
            "installed: spans are recorded and propagated, not exported"
        )
        return None
    # The exporter reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout).
    return OTLPSpanExporter()
