"""Request ids and the one log line per GraphQL operation."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from gateway.context import GatewayContext

__all__ = ["OperationLog", "RequestIdMiddleware", "new_request_id"]

logger = logging.getLogger(__name__)

# Echoed ids end up in logs and headers: accept only plain tokens.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def new_request_id() -> str:
    return f"gw_{uuid.uuid4().hex}"


class RequestIdMiddleware:
    """Adopt the caller's ``X-Request-Id`` (or mint one) and return it."""

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

        await self.app(scope, receive, send_with_id)


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            return candidate if _SAFE_REQUEST_ID.match(candidate) else None
    return None


class OperationLog(SchemaExtension):
    """Logs one line per operation: name, type, outcome, timing, upstream calls."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        caller = (
            context.context.caller
            if isinstance(context.context, GatewayContext)
            else None
        )
        result = context.result
        errors = len(result.errors or []) if result is not None else 0
        logger.info(
            "operation name=%s type=%s ms=%.1f upstream_calls=%d errors=%d "
            "request_id=%s",
            context.operation_name or "-",
            _operation_type(context),
            (time.perf_counter() - started) * 1000,
            caller.calls if caller else 0,
            errors,
            caller.request_id if caller else "-",
        )


def _operation_type(context: object) -> str:
    try:
        return str(context.operation_type.value)  # type: ignore[attr-defined]
    except (RuntimeError, AttributeError):
        return "-"
