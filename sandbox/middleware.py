"""Request tracking: request ids, route keys, request counting, the last-resort 500.

Every HTTP response gets a fresh `X-Request-Id` (`req_` + 24 alphanumerics),
also placed in the request's state for `meta.request_id`, unless the
response already carries one (an idempotent replay keeps the original's).
An incoming `X-Request-Id` is only logged: ids on this side are the
upstream's own. Each request's route key (see `sandbox.routing`) goes into
the request state for the middleware further in. An exception no handler
turned into a response is logged and answered with 500 `INTERNAL_ERROR` in
the usual envelope; an injected `ConnectionDropped` is passed on untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.envelopes import error_response
from sandbox.errors import InternalError
from sandbox.fault_injection import ConnectionDropped
from sandbox.identifiers import new_request_id
from sandbox.routing import is_api_path, route_key
from sandbox.stats import RequestCounter

__all__ = ["RequestTracking"]

logger = logging.getLogger(__name__)


class RequestTracking:
    """ASGI middleware that ids, counts and safeguards every HTTP request."""

    def __init__(
        self, app: ASGIApp, *, counter: RequestCounter, routes: Sequence[BaseRoute]
    ) -> None:
        self.app = app
        self.counter = counter
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        key = route_key(self.routes, scope)
        scope.setdefault("state", {}).update(request_id=request_id, route_key=key)
        self._log_incoming(scope, request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).setdefault("X-Request-Id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except ConnectionDropped:
            raise
        except Exception:
            logger.exception("Unhandled error on %s %s", scope["method"], scope["path"])
            if not started:
                response = error_response(InternalError(), request_id)
                await response(scope, receive, send_with_id)
        finally:
            if is_api_path(scope["path"]):
                self.counter.record(key)

    @staticmethod
    def _log_incoming(scope: Scope, request_id: str) -> None:
        incoming = Headers(scope=scope).get("x-request-id")
        if incoming is not None:
            logger.debug(
                "Request %s arrived with X-Request-Id %s", request_id, incoming
            )
