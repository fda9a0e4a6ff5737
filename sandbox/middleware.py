"""Request tracking: request ids, request counting and the last-resort 500.

Every HTTP response gets a fresh `X-Request-Id` (`req_` + 24 alphanumerics),
also placed in the request's state for `meta.request_id`. An incoming
`X-Request-Id` is only logged: ids on this side are the upstream's own.
An exception no handler turned into a response is logged and answered with
500 `INTERNAL_ERROR` in the usual envelope.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.envelopes import error_body
from sandbox.errors import InternalError
from sandbox.identifiers import new_request_id
from sandbox.stats import RequestCounter

__all__ = ["RequestTracking"]

logger = logging.getLogger(__name__)


def _counter_key(scope: Scope) -> str:
    template = getattr(scope.get("route"), "path", None)
    return f"{scope['method']} {template or '/v1/*'}"


def _is_counted(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


class RequestTracking:
    """ASGI middleware that ids, counts and safeguards every HTTP request."""

    def __init__(self, app: ASGIApp, *, counter: RequestCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        self._log_incoming(scope, request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("Unhandled error on %s %s", scope["method"], scope["path"])
            if not started:
                await _send_internal_error(send_with_id, request_id)
        finally:
            if _is_counted(scope["path"]):
                self.counter.record(_counter_key(scope))

    @staticmethod
    def _log_incoming(scope: Scope, request_id: str) -> None:
        incoming = Headers(scope=scope).get("x-request-id")
        if incoming is not None:
            logger.debug(
                "Request %s arrived with X-Request-Id %s", request_id, incoming
            )


async def _send_internal_error(send: Send, request_id: str) -> None:
    body = error_body(InternalError(), request_id)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
