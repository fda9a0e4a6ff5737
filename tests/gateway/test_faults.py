"""A sandbox having a bad day, over real loopback HTTP: each fault gives the
right code, and the rest of the data still arrives."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from gateway.context import GatewayContext
from gateway.resilience import RetryPolicy
from gateway.upstream import UpstreamClient
from sandbox import DEMO_API_KEY, SandboxSettings
from sandbox import create_app as create_sandbox
from schema import GatewaySchema
from tests.conftest import ADMIN_TOKEN

ADMIN = {"X-Admin-Token": ADMIN_TOKEN}
QUERY = """
query($company: ID!) {
  contacts(first: 2) { nodes { id } }
  company(id: $company) { id name }
}
"""
COMPANY_ROUTE = "GET /v1/companies/{id}"


def _serve_in_thread(app: Any) -> tuple[str, uvicorn.Server, threading.Thread]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """The sandbox served by uvicorn on a loopback port, in a thread."""
    app = create_sandbox(SandboxSettings(admin_token=ADMIN_TOKEN))
    url, server, thread = _serve_in_thread(app)
    yield url
    # Abandoned hanging requests may still be open: don't wait for them.
    server.should_exit = server.force_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def admin(sandbox_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox_url, headers=ADMIN) as client:
        yield client
        await client.delete("/_admin/faults")


async def _faults(admin: httpx.AsyncClient, *rules: dict[str, Any]) -> None:
    response = await admin.put("/_admin/faults", json={"rules": list(rules)})
    assert response.status_code < 300, response.text


async def _company_id(admin: httpx.AsyncClient) -> str:
    response = await admin.get(
        "/v1/companies", headers={"Authorization": f"Bearer {DEMO_API_KEY}"}
    )
    company_id: str = response.json()["data"][0]["id"]
    return company_id


async def _run(
    schema: GatewaySchema,
    sandbox_url: str,
    query: str,
    variables: dict[str, Any],
    **client_options: Any,
) -> dict[str, Any]:
    client_options.setdefault("retry", RetryPolicy(attempts=3, base_delay=0.01))
    async with UpstreamClient(base_url=f"{sandbox_url}/v1", **client_options) as c:
        context = GatewayContext.for_request(
            client=c,
            authorization=f"Bearer {DEMO_API_KEY}",
            request_id="faults",
            deadline=time.monotonic() + 10,
        )
        result = await schema.execute(
            query, variable_values=variables, context_value=context
        )
    return {
        "data": result.data,
        "errors": [error.formatted for error in result.errors or []],
    }


def _assert_partial(result: dict[str, Any], code: str) -> dict[str, Any]:
    assert len(result["data"]["contacts"]["nodes"]) == 2
    assert result["data"]["company"] is None
    [error] = result["errors"]
    assert error["path"] == ["company"]
    assert error["extensions"]["code"] == code
    extensions: dict[str, Any] = error["extensions"]
    return extensions


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        pytest.param({"hang_seconds": 3}, "UPSTREAM_TIMEOUT", id="hang"),
        pytest.param({"drip_bytes_per_second": 20}, "UPSTREAM_TIMEOUT", id="drip"),
        pytest.param({"error_rate": 1.0}, "UPSTREAM_ERROR", id="500s"),
        pytest.param({"reset_rate": 1.0}, "UPSTREAM_UNAVAILABLE", id="reset"),
        pytest.param({"malformed_rate": 1.0}, "UPSTREAM_BAD_RESPONSE", id="malformed"),
    ],
)
async def test_fault_gives_code_and_partial_data(
    schema: GatewaySchema,
    sandbox_url: str,
    admin: httpx.AsyncClient,
    rule: dict[str, Any],
    code: str,
) -> None:
    company = await _company_id(admin)
    await _faults(admin, {"route": COMPANY_ROUTE, **rule})

    result = await _run(schema, sandbox_url, QUERY, {"company": company}, timeout=0.5)

    _assert_partial(result, code)


async def test_transient_500_is_retried_away(
    schema: GatewaySchema, sandbox_url: str, admin: httpx.AsyncClient
) -> None:
    company = await _company_id(admin)
    await _faults(admin, {"route": COMPANY_ROUTE, "error_rate": 1.0, "count": 1})

    result = await _run(schema, sandbox_url, QUERY, {"company": company})

    assert result["errors"] == []
    assert result["data"]["company"]["id"] == company


async def test_429_with_fitting_retry_after_is_waited_out(
    schema: GatewaySchema, sandbox_url: str, admin: httpx.AsyncClient
) -> None:
    company = await _company_id(admin)
    await _faults(
        admin,
        {"route": COMPANY_ROUTE, "rate_limit_rate": 1.0, "retry_after": 1, "count": 1},
    )

    result = await _run(schema, sandbox_url, QUERY, {"company": company})

    assert result["errors"] == []
    assert result["data"]["company"]["id"] == company


async def test_429_with_long_retry_after_reaches_client(
    schema: GatewaySchema, sandbox_url: str, admin: httpx.AsyncClient
) -> None:
    company = await _company_id(admin)
    await _faults(
        admin, {"route": COMPANY_ROUTE, "rate_limit_rate": 1.0, "retry_after": 60}
    )

    result = await _run(schema, sandbox_url, QUERY, {"company": company})

    extensions = _assert_partial(result, "RATE_LIMITED")
    assert extensions["retryAfter"] == 60
    assert extensions["upstream"]["status"] == 429


async def test_retried_create_writes_once(
    schema: GatewaySchema, sandbox_url: str, admin: httpx.AsyncClient
) -> None:
    marker = f"Retry{int(time.time() * 1000)}"
    await _faults(
        admin, {"route": "POST /v1/contacts", "hang_seconds": 1.0, "count": 1}
    )

    result = await _run(
        schema,
        sandbox_url,
        "mutation($i: CreateContactInput!) { createContact(input: $i)"
        " { contact { id } } }",
        {"i": {"firstName": marker}},
        timeout=0.3,
    )
    await asyncio.sleep(1.2)  # let the abandoned first attempt finish upstream
    listed = await admin.get(
        "/v1/contacts",
        params={"first_name": marker},
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
    )

    assert result["errors"] == [], result
    assert len(listed.json()["data"]) == 1


async def test_failed_list_nulls_only_itself(
    schema: GatewaySchema, sandbox_url: str, admin: httpx.AsyncClient
) -> None:
    company = await _company_id(admin)
    await _faults(admin, {"route": "GET /v1/contacts", "error_rate": 1.0})

    result = await _run(schema, sandbox_url, QUERY, {"company": company})

    assert result["data"]["contacts"] is None
    assert result["data"]["company"]["id"] == company
    [error] = result["errors"]
    assert error["path"] == ["contacts"]
    assert error["extensions"]["code"] == "UPSTREAM_ERROR"


async def test_failed_definitions_null_only_custom_fields(
    schema: GatewaySchema, sandbox_url: str, admin: httpx.AsyncClient
) -> None:
    await _faults(admin, {"route": "GET /v1/custom-fields", "error_rate": 1.0})

    result = await _run(
        schema,
        sandbox_url,
        "{ contacts(first: 2) { nodes { id customFields { slug } } } }",
        {},
    )

    nodes = result["data"]["contacts"]["nodes"]
    assert [node["customFields"] for node in nodes] == [None, None]
    assert all(node["id"] for node in nodes)
    assert {e["extensions"]["code"] for e in result["errors"]} == {"UPSTREAM_ERROR"}


async def test_client_that_leaves_stops_the_retries(
    sandbox_url: str, admin: httpx.AsyncClient
) -> None:
    from gateway.app import create_app
    from gateway.settings import GatewaySettings

    company = await _company_id(admin)
    # Each attempt times out at 0.4 s; the sandbox still finishes (and counts)
    # it at 0.6 s, so every attempt sent shows in its counters.
    await _faults(admin, {"route": COMPANY_ROUTE, "hang_seconds": 0.6})
    await admin.post("/_admin/stats/reset")
    settings = GatewaySettings(
        upstream_url=f"{sandbox_url}/v1",
        upstream_timeout=0.4,
        upstream_retry_base_delay=0.01,
        log_level="WARNING",
    )
    url, server, thread = _serve_in_thread(create_app(settings))
    try:
        async with httpx.AsyncClient(base_url=url, timeout=0.2) as client:
            with pytest.raises(httpx.TimeoutException):
                await client.post(
                    "/graphql",
                    json={"query": QUERY, "variables": {"company": company}},
                    headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
                )
        await asyncio.sleep(2.0)  # long enough for two more attempts to finish
        stats = (await admin.get("/_admin/stats")).json()["requests"]
    finally:
        server.should_exit = server.force_exit = True
        thread.join(timeout=10)

    # Only the first attempt went out: the gateway stopped when the client left.
    assert stats.get(COMPANY_ROUTE) == 1
