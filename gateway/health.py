"""``/readyz``: whether this gateway can serve, checked against nodestash itself.

Settings are validated when the process starts (it refuses to start with
invalid ones), so a running gateway is ready when nodestash is reachable.
Any HTTP answer counts: the probe sends no credential, so nodestash's 401 is
the expected one. The probe has its own short timeout and bypasses the
upstream client, so it never feeds the circuit breaker.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse

from gateway.settings import GatewaySettings

__all__ = ["Readiness"]

# A cheap read every nodestash key may make (nodestash-api.md §1.1).
_PROBE_PATH = "/contacts"


class Readiness:
    """Answers ``GET /readyz``: 200 when nodestash answers, else 503 with why."""

    def __init__(
        self,
        settings: GatewaySettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.upstream_url = settings.upstream_url
        self.timeout = settings.ready_timeout
        self.transport = transport

    async def __call__(self, request: Request) -> JSONResponse:
        started = time.perf_counter()
        try:
            status = await self._probe(request.state.request_id)
        except TimeoutError:
            return _not_ready(f"nodestash did not answer within {self.timeout} s.")
        except Exception as exc:
            # Whatever kept the probe from getting an HTTP answer, the gateway
            # cannot serve until it goes away; the reason names it.
            return _not_ready(f"nodestash could not be reached: {_describe(exc)}.")
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        return JSONResponse(
            {"status": "ready", "upstream": {"status": status, "ms": elapsed_ms}}
        )

    async def _probe(self, request_id: str) -> int:
        transport = self.transport or httpx.AsyncHTTPTransport()
        client = httpx.AsyncClient(
            base_url=self.upstream_url, transport=transport, timeout=None
        )
        try:
            async with asyncio.timeout(self.timeout):
                response = await client.get(
                    _PROBE_PATH,
                    params={"limit": "1"},
                    headers={"Accept": "application/json", "X-Request-Id": request_id},
                )
        finally:
            if self.transport is None:
                await client.aclose()
        return response.status_code


def _not_ready(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)


def _describe(exc: Exception) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
