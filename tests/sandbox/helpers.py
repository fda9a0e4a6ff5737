"""Helpers for sandbox tests: auth headers, envelope readers, admin calls."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from sandbox import (
    CONTACTS_ONLY_API_KEY,
    DEMO_API_KEY,
    OTHER_API_KEY,
    READ_ONLY_API_KEY,
    SandboxSettings,
)
from sandbox.app import create_server

ADMIN_TOKEN = "test-admin-token"
ADMIN = {"X-Admin-Token": ADMIN_TOKEN}
DEMO_AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
OTHER_AUTH = {"Authorization": f"Bearer {OTHER_API_KEY}"}
READ_ONLY_AUTH = {"Authorization": f"Bearer {READ_ONLY_API_KEY}"}
CONTACTS_ONLY_AUTH = {"Authorization": f"Bearer {CONTACTS_ONLY_API_KEY}"}
REQUEST_ID = re.compile(r"req_[A-Za-z0-9]{24}")
RATE_LIMIT_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Burst-Limit",
    "X-RateLimit-Burst-Remaining",
)


def data_of(response: httpx.Response) -> Any:
    """The `data` member of a JSON envelope."""
    return response.json()["data"]


def error_of(response: httpx.Response) -> Any:
    """The `error` member of a JSON error envelope, after checking its shape."""
    body = response.json()
    assert set(body) == {"error", "meta"}
    assert body["meta"]["request_id"] == response.headers["X-Request-Id"]
    return body["error"]


async def set_plan(
    client: httpx.AsyncClient, plan: str, *, api_key: str = DEMO_API_KEY, **limits: int
) -> Any:
    """Put the key's workspace on `plan` through the admin API."""
    response = await client.put(
        f"/_admin/workspaces/{api_key}/plan",
        json={"plan": plan, **limits},
        headers=ADMIN,
    )
    assert response.status_code == 200, response.text
    return response.json()


async def set_faults(client: httpx.AsyncClient, *rules: dict[str, Any]) -> Any:
    """Replace the fault rules through the admin API."""
    response = await client.put(
        "/_admin/faults", json={"rules": list(rules)}, headers=ADMIN
    )
    assert response.status_code == 200, response.text
    return response.json()


def client_for(app: Any, headers: dict[str, str]) -> httpx.AsyncClient:
    """An in-process client of `app` sending `headers`."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sandbox",
        headers=headers,
    )


async def collect(
    client: httpx.AsyncClient, path: str, **params: Any
) -> list[dict[str, Any]]:
    """Every item of a list endpoint, following cursors page by page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page_params = params if cursor is None else {**params, "cursor": cursor}
        response = await client.get(path, params=page_params)
        assert response.status_code == 200, response.text
        body = response.json()
        items += [item["attributes"] for item in body["data"]]
        pagination = body["meta"]["pagination"]
        cursor = pagination["next_cursor"]
        assert pagination["has_more"] is (cursor is not None)
        if cursor is None:
            return items


async def _started(server: uvicorn.Server) -> None:
    while not server.started:
        await asyncio.sleep(0.01)


@asynccontextmanager
async def serving(settings: SandboxSettings) -> AsyncIterator[str]:
    """A sandbox served by uvicorn on a free loopback port; yields its URL."""
    server = create_server(settings.model_copy(update={"port": 0}))
    serving_task = asyncio.create_task(server.serve())
    try:
        await asyncio.wait_for(_started(server), timeout=5)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{settings.host}:{port}"
    finally:
        server.should_exit = True
        await serving_task
        app = server.config.app
        if isinstance(app, FastAPI):
            app.state.sandbox.store.close()
