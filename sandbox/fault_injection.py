"""Fault injection: the ASGI middleware that carries out each request's fault plan.

Sandbox choices:

- A failure (reset, 500, 429, malformed body) is answered without running
  the request, so it never writes anything. Injected 500s and 429s use the
  nodestash error envelope; a 429 sends the rule's `retry_after` both as
  `Retry-After` and in the body.
- Delays hold back the answer of a request that has already run: a client
  that gives up during a hang leaves the write done, as with an upstream
  that committed before it stalled. Failures wait out the delays too.
- A drip sends the status line and headers at once, then the body in slices
  of a twentieth of the rate, each after the pause its size takes at that
  rate, so the last byte leaves after `size / rate` seconds.
- A malformed answer is a 200 `application/json` body cut off mid-object.
- A reset, when uvicorn serves the request, aborts the connection with a TCP
  reset before any byte of the answer. Served in-process (for instance by
  `httpx.ASGITransport`), the request raises `ConnectionDropped`, an
  `httpx.ReadError` the transport hands to the caller as it would a reset.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

import httpx
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.envelopes import error_response, request_id_in
from sandbox.errors import ApiError, InternalError, RateLimited
from sandbox.faults import FaultPlan, FaultSet, Outcome
from sandbox.routing import is_api_path

__all__ = ["MALFORMED_BODY", "ConnectionDropped", "FaultInjection"]

MALFORMED_BODY = b'{"data": {"id": "ct_Q2w3E4r5T6y7U8i9O0pAs", "type": "contact", "attr'
_DRIP_SLICES_PER_SECOND = 20


class ConnectionDropped(httpx.ReadError):
    """An injected connection reset, where no socket can be reset."""


class FaultInjection:
    """ASGI middleware applying the fault rules to `/v1` requests.

    It reads the route key that `RequestTracking` put in the request state.
    """

    def __init__(self, app: ASGIApp, *, faults: FaultSet) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        plan = self.faults.plan_for(str(scope["state"]["route_key"]))
        if plan is None:
            await self.app(scope, receive, send)
            return
        if plan.outcome is None:
            start, body = await _captured(self.app, scope=scope, receive=receive)
            await asyncio.sleep(plan.delay_seconds)
            await send(start)
            await _drip(send, body, rate=plan.drip_bytes_per_second)
            return
        await asyncio.sleep(plan.delay_seconds)
        if plan.outcome is Outcome.RESET:
            await _reset(receive)
        else:
            await _failure(plan, request_id_in(scope))(scope, receive, send)


async def _captured(
    app: ASGIApp, *, scope: Scope, receive: Receive
) -> tuple[Message, bytes]:
    """Run the request; return its response start message and whole body."""
    messages: list[Message] = []

    async def capture(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, capture)
    starts = [m for m in messages if m["type"] == "http.response.start"]
    parts = [m.get("body", b"") for m in messages if m["type"] == "http.response.body"]
    return starts[0], b"".join(parts)


async def _drip(send: Send, body: bytes, *, rate: int | None) -> None:
    """Send `body` at `rate` bytes per second, or at once when `rate` is None."""
    if rate is None or not body:
        await send({"type": "http.response.body", "body": body})
        return
    size = max(1, rate // _DRIP_SLICES_PER_SECOND)
    for offset in range(0, len(body), size):
        piece = body[offset : offset + size]
        await asyncio.sleep(len(piece) / rate)
        await send({"type": "http.response.body", "body": piece, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


def _failure(plan: FaultPlan, request_id: str) -> Response:
    """The answer of a request that fails with `plan.outcome` (not a reset)."""
    if plan.outcome is Outcome.MALFORMED:
        return Response(MALFORMED_BODY, media_type="application/json")
    error: ApiError = InternalError()
    if plan.outcome is Outcome.RATE_LIMIT:
        error = RateLimited(retry_after=plan.retry_after)
    return error_response(error, request_id)


async def _reset(receive: Receive) -> None:
    """Abort the server's connection for this request, or raise if there is none."""
    # uvicorn's `receive` is a method of its per-request cycle, which holds the
    # connection's transport; other servers' are not, and get the exception.
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    abort = getattr(transport, "abort", None)
    if transport is None or not callable(abort):
        raise ConnectionDropped("Connection reset by peer (injected fault)")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            linger = struct.pack("ii", 1, 0)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    abort()
    # Let the server see the connection is gone, so it sends no 500 of its own.
    for _ in range(10):
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)
