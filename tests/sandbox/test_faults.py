"""Fault rules: the admin API, start-up rules, and each fault kind in-process."""

from __future__ import annotations

import time
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI

from sandbox import SandboxSettings, create_app
from sandbox.fault_injection import MALFORMED_BODY
from sandbox.fault_rules import FaultConfig, FaultRule
from tests.sandbox.helpers import (
    ADMIN,
    ADMIN_TOKEN,
    DEMO_AUTH,
    RATE_LIMIT_HEADERS,
    client_for,
    data_of,
    error_of,
    set_faults,
)

RULE_DEFAULTS: dict[str, Any] = FaultRule().model_dump()


async def test_faults_admin_api_round_trip(client: httpx.AsyncClient):
    empty = await client.get("/_admin/faults", headers=ADMIN)
    put = await set_faults(client, {"route": "GET /v1/contacts", "latency_ms": 5})
    listed = await client.get("/_admin/faults", headers=ADMIN)
    cleared = await client.delete("/_admin/faults", headers=ADMIN)
    after = await client.get("/_admin/faults", headers=ADMIN)

    expected = RULE_DEFAULTS | {"route": "GET /v1/contacts", "latency_ms": 5.0}
    assert empty.json() == {"rules": []}
    assert put == listed.json() == {"rules": [expected]}
    assert cleared.status_code == 204
    assert after.json() == {"rules": []}


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        pytest.param({"error_rate": 1.5}, "rules.0.error_rate", id="over-one"),
        pytest.param({"latency_ms": -1}, "rules.0.latency_ms", id="negative"),
        pytest.param({"count": 0}, "rules.0.count", id="zero-count"),
        pytest.param({"colour": "red"}, "rules.0.colour", id="unknown-field"),
        pytest.param(
            {"error_rate": 0.6, "reset_rate": 0.6}, "rules.0", id="shares-over-one"
        ),
        pytest.param({"route": "GET /v1/contact"}, "rules.0.route", id="bad-route"),
        pytest.param({"route": "FETCH /v1/contacts"}, "rules.0.route", id="method"),
    ],
)
async def test_faults_admin_api_refuses_bad_rules(
    client: httpx.AsyncClient, rule: dict[str, Any], field: str
):
    response = await client.put("/_admin/faults", json={"rules": [rule]}, headers=ADMIN)

    assert response.status_code == 400
    assert [d["field"] for d in error_of(response)["details"]] == [field]


async def test_faults_admin_api_needs_the_token(client: httpx.AsyncClient):
    response = await client.put("/_admin/faults", json={"rules": []})

    assert response.status_code == 401


async def test_startup_rules_apply_from_settings():
    rules = [FaultRule(route="GET /v1/companies", error_rate=1.0)]
    settings = SandboxSettings(admin_token=ADMIN_TOKEN, faults=FaultConfig(rules=rules))
    app = create_app(settings)
    async with client_for(app, DEMO_AUTH) as client:
        companies = await client.get("/v1/companies")
        contacts = await client.get("/v1/contacts")

    assert (companies.status_code, contacts.status_code) == (500, 200)
    app.state.sandbox.store.close()


def test_startup_rule_with_unknown_route_is_refused():
    rules = [FaultRule(route="GET /v1/deals")]

    with pytest.raises(ValueError, match=r"rules\.0\.route"):
        create_app(SandboxSettings(faults=FaultConfig(rules=rules)))


async def test_error_fault_answers_500_without_running(client: httpx.AsyncClient):
    await set_faults(client, {"route": "POST /v1/contacts", "error_rate": 1.0})

    response = await client.post("/v1/contacts", json={"email": "lost@x.test"})
    found = await client.get("/v1/contacts", params={"email": "lost@x.test"})

    assert response.status_code == 500
    assert error_of(response) == {
        "code": "INTERNAL_ERROR",
        "message": "Internal server error",
    }
    assert all(name in response.headers for name in RATE_LIMIT_HEADERS)
    assert data_of(found) == []


async def test_rate_limit_fault_answers_429(client: httpx.AsyncClient):
    await set_faults(client, {"rate_limit_rate": 1.0, "retry_after": 7})

    response = await client.get("/v1/custom-fields")

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert error_of(response) == {
        "code": "RATE_LIMITED",
        "message": "Rate limit exceeded",
        "retry_after": 7,
        "upgrade_url": "https://nodestash.io/pricing",
    }


async def test_malformed_fault_answers_broken_json(client: httpx.AsyncClient):
    await set_faults(client, {"malformed_rate": 1.0})

    response = await client.get("/v1/contacts")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == MALFORMED_BODY
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.content)


async def test_reset_fault_raises_transport_error(client: httpx.AsyncClient):
    await set_faults(client, {"route": "POST /v1/contacts", "reset_rate": 1.0})

    with pytest.raises(httpx.ReadError):
        await client.post("/v1/contacts", json={"email": "reset@x.test"})
    found = await client.get("/v1/contacts", params={"email": "reset@x.test"})

    assert data_of(found) == []


async def _elapsed(client: httpx.AsyncClient, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = await client.get(path)
    return time.perf_counter() - started, response.status_code


async def test_latency_and_hang_delay_the_answer(client: httpx.AsyncClient):
    await set_faults(
        client,
        {"route": "GET /v1/contacts", "latency_ms": 60},
        {"route": "GET /v1/companies", "hang_seconds": 0.1},
    )

    latency = await _elapsed(client, "/v1/contacts")
    hang = await _elapsed(client, "/v1/companies")

    assert latency[0] >= 0.06 and latency[1] == 200
    assert hang[0] >= 0.1 and hang[1] == 200


async def test_drip_slows_the_body(client: httpx.AsyncClient):
    await set_faults(client, {"drip_bytes_per_second": 20_000})

    started = time.perf_counter()
    response = await client.get("/v1/companies", params={"limit": 5})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert elapsed >= len(response.content) / 20_000 * 0.9
    assert data_of(response)


async def test_count_expires_the_rule(client: httpx.AsyncClient):
    await set_faults(client, {"error_rate": 1.0, "count": 2})
    first = await client.get("/v1/contacts")
    left = (await client.get("/_admin/faults", headers=ADMIN)).json()

    statuses = [
        first.status_code,
        *[(await _elapsed(client, "/v1/contacts"))[1] for _ in range(2)],
    ]
    after = (await client.get("/_admin/faults", headers=ADMIN)).json()

    assert statuses == [500, 500, 200]
    assert left["rules"][0]["count"] == 1
    assert after == {"rules": []}


async def _statuses(app: FastAPI, rate: float) -> list[int]:
    async with client_for(app, DEMO_AUTH) as client:
        await set_faults(client, {"error_rate": rate})
        return [(await client.get("/v1/custom-fields")).status_code for _ in range(40)]


async def test_fractions_are_deterministic(app: FastAPI):
    first = await _statuses(app, 0.5)
    again = await _statuses(app, 0.5)
    never = await _statuses(app, 0.0)

    assert first == again
    assert 10 <= first.count(500) <= 30
    assert set(first) == {200, 500}
    assert set(never) == {200}


async def test_faults_spare_admin_and_openapi(client: httpx.AsyncClient):
    await set_faults(client, {"error_rate": 1.0})

    stats = await client.get("/_admin/stats", headers=ADMIN)
    document = await client.get("/openapi.json")

    assert (stats.status_code, document.status_code) == (200, 200)


async def test_faulted_requests_are_counted_by_route(client: httpx.AsyncClient):
    await set_faults(client, {"error_rate": 1.0})
    await client.get("/v1/contacts/ct_x")

    stats = (await client.get("/_admin/stats", headers=ADMIN)).json()

    assert stats["requests"] == {"GET /v1/contacts/{id}": 1}
