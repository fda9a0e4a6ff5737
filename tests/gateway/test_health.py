"""``/readyz``: ready when nodestash answers at all, 503 with a reason otherwise."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from gateway.app import create_app
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY
from tests.conftest import UPSTREAM, serving

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
QUERY = {"query": "{ contacts(first: 1) { nodes { id } } }"}


@asynccontextmanager
async def _gateway(
    transport: httpx.AsyncBaseTransport, **settings: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        GatewaySettings(upstream_url=UPSTREAM, **settings),  # type: ignore[arg-type]
        transport=transport,
    )
    async with serving(app) as client:
        yield client


async def test_readyz_ready_when_upstream_answers() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"error": {"code": "UNAUTHORIZED"}})

    async with _gateway(httpx.MockTransport(handler)) as client:
        response = await client.get("/readyz", headers={"X-Request-Id": "probe-1"})

    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["upstream"]["status"] == 401
    assert [str(request.url) for request in seen] == [f"{UPSTREAM}/contacts?limit=1"]
    assert "authorization" not in seen[0].headers
    assert seen[0].headers["x-request-id"] == "probe-1"


async def test_readyz_ready_against_sandbox(sandbox_app: FastAPI) -> None:
    async with _gateway(httpx.ASGITransport(app=sandbox_app)) as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["upstream"]["status"] == 401


async def test_readyz_unavailable_when_upstream_refuses() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    async with _gateway(httpx.MockTransport(handler)) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "Connection refused" in response.json()["reason"]


async def test_readyz_unavailable_when_upstream_hangs() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    async with _gateway(httpx.MockTransport(handler), ready_timeout=0.05) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert "did not answer within 0.05 s" in response.json()["reason"]


async def test_readyz_failures_leave_breaker_closed(sandbox_app: FastAPI) -> None:
    down = True
    sandbox = httpx.ASGITransport(app=sandbox_app)

    async def handler(request: httpx.Request) -> httpx.Response:
        if down:
            raise httpx.ConnectError("Connection refused", request=request)
        return await sandbox.handle_async_request(request)

    async with _gateway(httpx.MockTransport(handler), breaker_threshold=1) as client:
        probes = [(await client.get("/readyz")).status_code for _ in range(3)]
        down = False
        answer = await client.post("/graphql", json=QUERY, headers=AUTH)

    assert probes == [503, 503, 503]
    assert "errors" not in answer.json()
    assert len(answer.json()["data"]["contacts"]["nodes"]) == 1
