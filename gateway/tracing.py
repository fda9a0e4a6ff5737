"""Whether this request is traced: the one check the hot paths make.

Tracing (``GATEWAY_TRACING``, off by default) needs the ``tracing`` extra.
When it is on, ``TracingMiddleware`` puts the app's ``Spans`` in ``ACTIVE``
for each request and continues an incoming ``traceparent``; the operation
log and the upstream client look there and do nothing more when it is empty.
OpenTelemetry is imported only when tracing is turned on.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

    from gateway.settings import GatewaySettings
    from gateway.spans import Spans

__all__ = ["ACTIVE", "TracingMiddleware", "build_spans"]

ACTIVE: ContextVar[Spans | None] = ContextVar("gateway_spans", default=None)


def build_spans(
    settings: GatewaySettings, exporter: SpanExporter | None = None
) -> Spans | None:
    """The app's spans when tracing is on, else None (and no OpenTelemetry)."""
    if not settings.tracing:
        return None
    from gateway.spans import Spans

    return Spans.from_settings(settings, exporter)


class TracingMiddleware:
    """Traces each HTTP request with ``spans``, continuing the caller's trace."""

    def __init__(self, app: ASGIApp, spans: Spans) -> None:
        self.app = app
        self.spans = spans

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        active = ACTIVE.set(self.spans)
        parent = self.spans.continue_trace(scope["headers"])
        try:
            await self.app(scope, receive, send)
        finally:
            self.spans.detach(parent)
            ACTIVE.reset(active)
