"""Shared fixtures: a seeded sandbox, and a gateway wired to it in-process."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.context import GatewayContext
from gateway.settings import GatewaySettings
from gateway.upstream import UpstreamClient
from sandbox import DEMO_API_KEY, SandboxSettings
from sandbox import create_app as create_sandbox
from schema import GatewaySchema, build_schema

ADMIN_TOKEN = "test-admin-token"
UPSTREAM = "http://sandbox.test/v1"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from the test, never from the machine's environment."""
    for name in list(os.environ):
        if name.startswith(("GATEWAY_", "SANDBOX_")) or name == "REDIS_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def schema() -> GatewaySchema:
    return build_schema()


@pytest.fixture
def sandbox_app() -> FastAPI:
    return create_sandbox(SandboxSettings(admin_token=ADMIN_TOKEN))


class Gateway:
    """The gateway over a sandbox, plus the sandbox's request counters."""

    def __init__(
        self,
        *,
        schema: GatewaySchema,
        upstream: UpstreamClient,
        admin: httpx.AsyncClient,
        http: httpx.AsyncClient,
    ) -> None:
        self.schema = schema
        self.upstream = upstream
        self.admin = admin
        self.http = http

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = DEMO_API_KEY,
    ) -> dict[str, Any]:
        """Run an operation through the schema; answer the response's JSON."""
        context = GatewayContext.for_request(
            client=self.upstream,
            authorization=f"Bearer {key}" if key else None,
            request_id="test-request",
        )
        result = await self.schema.execute(
            query, variable_values=variables, context_value=context
        )
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [error.formatted for error in result.errors]
        return response

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = DEMO_API_KEY,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send an operation over HTTP, as a client would."""
        all_headers = {"Authorization": f"Bearer {key}"} if key else {}
        all_headers.update(headers or {})
        body = {"query": query, "variables": variables or {}}
        return await self.http.post("/graphql", json=body, headers=all_headers)

    async def calls(self) -> dict[str, int]:
        """Upstream requests served since the last reset, by route."""
        response = await self.admin.get(
            "/_admin/stats", headers={"X-Admin-Token": ADMIN_TOKEN}
        )
        response.raise_for_status()
        counts: dict[str, int] = response.json()["requests"]
        return {route: count for route, count in counts.items() if count}

    async def reset_calls(self) -> None:
        response = await self.admin.post(
            "/_admin/stats/reset", headers={"X-Admin-Token": ADMIN_TOKEN}
        )
        response.raise_for_status()


@asynccontextmanager
async def serving(
    app: FastAPI, **client_options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a gateway app, with the app's lifespan running."""
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=transport, base_url="http://gw", **client_options
        ) as client,
    ):
        yield client


@pytest.fixture
async def gateway(
    sandbox_app: FastAPI, schema: GatewaySchema
) -> AsyncIterator[Gateway]:
    transport = httpx.ASGITransport(app=sandbox_app)
    app = create_app(GatewaySettings(upstream_url=UPSTREAM), transport=transport)
    upstream = UpstreamClient(base_url=UPSTREAM, transport=transport)
    admin = httpx.AsyncClient(transport=transport, base_url="http://sandbox.test")
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
    )
    async with app.router.lifespan_context(app), upstream, admin, http:
        yield Gateway(schema=schema, upstream=upstream, admin=admin, http=http)


@pytest.fixture
def caplog_info(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO)
    yield caplog
