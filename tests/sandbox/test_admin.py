"""The admin API: request counters, reset and the admin token."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from sandbox import DEMO_API_KEY, SandboxSettings, create_app
from tests.sandbox.helpers import ADMIN_TOKEN, DEMO_AUTH, REQUEST_ID, error_of

ADMIN = {"X-Admin-Token": ADMIN_TOKEN}


async def test_stats_count_requests_by_route_template(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient
):
    await client.get("/v1/contacts")
    await client.get("/v1/contacts", params={"limit": "0"})
    await anonymous.get("/v1/contacts")
    await client.get("/v1/contacts/ct_missing")
    await client.put("/v1/contacts/ct_missing")
    await client.get("/v1/companies/co_x/custom-fields")
    await client.get("/v1/unknown")

    response = await client.get("/_admin/stats", headers=ADMIN)

    assert response.status_code == 200
    assert response.json() == {
        "requests": {
            "GET /v1/*": 1,
            "GET /v1/contacts": 3,
            "GET /v1/contacts/{id}": 1,
            "GET /v1/{entity_type}/{entity_id}/custom-fields": 1,
            "PUT /v1/contacts/{id}": 1,
        },
        "total": 7,
    }
    assert REQUEST_ID.fullmatch(response.headers["X-Request-Id"])


async def test_stats_reset_starts_over(client: httpx.AsyncClient):
    await client.get("/v1/custom-fields")

    reset = await client.post("/_admin/stats/reset", headers=ADMIN)
    await client.post("/v1/companies", json={"name": "Acme"})
    response = await client.get("/_admin/stats", headers=ADMIN)

    assert reset.status_code == 204
    assert reset.content == b""
    assert response.json() == {"requests": {"POST /v1/companies": 1}, "total": 1}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"X-Admin-Token": "wrong"}, id="wrong"),
        pytest.param({"X-Admin-Token": ""}, id="empty"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_admin/stats"),
        ("POST", "/_admin/stats/reset"),
        ("GET", "/_admin/faults"),
        ("PUT", "/_admin/faults"),
        ("DELETE", "/_admin/faults"),
        ("GET", f"/_admin/workspaces/{DEMO_API_KEY}/plan"),
        ("PUT", f"/_admin/workspaces/{DEMO_API_KEY}/plan"),
    ],
)
async def test_admin_routes_need_the_token(
    client: httpx.AsyncClient, headers: dict[str, str], method: str, path: str
):
    response = await client.request(method, path, headers=headers)

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "INVALID_ADMIN_TOKEN",
        "message": "Missing or invalid X-Admin-Token header",
    }


async def test_admin_routes_are_absent_without_token():
    app: FastAPI = create_app(SandboxSettings(seed=False))
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, headers=DEMO_AUTH) as client:
        stats = await client.get("http://sandbox/_admin/stats", headers=ADMIN)
        reset = await client.post("http://sandbox/_admin/stats/reset", headers=ADMIN)
        faults = await client.get("http://sandbox/_admin/faults", headers=ADMIN)

    for response in (stats, reset, faults):
        assert response.status_code == 404
        assert error_of(response) == {"code": "NOT_FOUND", "message": "Route not found"}
    app.state.sandbox.store.close()


async def test_admin_requests_are_not_counted(client: httpx.AsyncClient):
    await client.get("/_admin/stats")
    await client.get("/_admin/stats", headers=ADMIN)

    response = await client.get("/_admin/stats", headers=ADMIN)

    assert response.json() == {"requests": {}, "total": 0}
