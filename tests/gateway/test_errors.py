"""Every row of the error table, from a transport that answers as told."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gateway.context import GatewayContext
from gateway.resilience import RetryPolicy
from gateway.upstream import UpstreamClient
from schema import GatewaySchema

Handler = Callable[[httpx.Request], Any]

CONTACT_QUERY = '{ contact(id: "ct_abc") { id email } }'
UPDATE_MUTATION = """
mutation {
  updateContact(id: "ct_abc", input: {firstName: "Ada"}) { contact { id } }
}
"""


def _error_body(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "error": {"code": code, "message": f"upstream says {code}", **extra},
        "meta": {"request_id": "req_upstream000000000000000001"},
    }


async def _run(
    schema: GatewaySchema,
    handler: Handler,
    query: str = CONTACT_QUERY,
    *,
    timeout: float = 5.0,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str = "http://upstream.test/v1",
) -> dict[str, Any]:
    transport = transport or httpx.MockTransport(handler)
    async with UpstreamClient(
        base_url=base_url,
        transport=transport,
        timeout=timeout,
        retry=RetryPolicy(attempts=1),
    ) as client:
        context = GatewayContext.for_request(
            client=client, authorization="Bearer nds_test_x", request_id="rid-1"
        )
        result = await schema.execute(query, context_value=context)
    return {
        "data": result.data,
        "errors": [error.formatted for error in result.errors or []],
    }


@pytest.mark.parametrize(
    ("status", "upstream_code", "code"),
    [
        pytest.param(401, "MISSING_AUTH", "UNAUTHENTICATED", id="missing-auth"),
        pytest.param(401, "INVALID_API_KEY", "UNAUTHENTICATED", id="invalid-key"),
        pytest.param(403, "INSUFFICIENT_SCOPE", "FORBIDDEN", id="scope"),
        pytest.param(409, "CONFLICT", "CONFLICT", id="conflict"),
        pytest.param(500, "INTERNAL_ERROR", "UPSTREAM_ERROR", id="internal"),
        pytest.param(503, "INTERNAL_ERROR", "UPSTREAM_ERROR", id="unavailable"),
    ],
)
async def test_upstream_status_maps_to_code(
    schema: GatewaySchema, status: int, upstream_code: str, code: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=_error_body(upstream_code))

    result = await _run(schema, handler)

    assert result["data"] == {"contact": None}
    [error] = result["errors"]
    assert error["path"] == ["contact"]
    assert error["extensions"] == {
        "code": code,
        "upstream": {
            "status": status,
            "code": upstream_code,
            "requestId": "req_upstream000000000000000001",
        },
    }


async def test_credential_and_request_id_sent_upstream(
    schema: GatewaySchema,
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json=_error_body("NOT_FOUND"))

    await _run(schema, handler)

    [request] = seen
    assert request.headers["authorization"] == "Bearer nds_test_x"
    assert request.headers["x-request-id"] == "rid-1"


async def test_upstream_not_found_on_lookup_is_null(schema: GatewaySchema) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json=_error_body("NOT_FOUND"))

    result = await _run(schema, handler)

    assert result == {"data": {"contact": None}, "errors": []}


async def test_upstream_not_found_on_mutation_is_error(schema: GatewaySchema) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json=_error_body("NOT_FOUND"))

    result = await _run(schema, handler, UPDATE_MUTATION)

    [error] = result["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert result["data"] == {"updateContact": None}


@pytest.mark.parametrize("status", [400, 422])
async def test_upstream_validation_names_input_path(
    schema: GatewaySchema, status: int
) -> None:
    details = [{"field": "first_name", "message": "Too long"}]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, json=_error_body("VALIDATION_ERROR", details=details)
        )

    result = await _run(schema, handler, UPDATE_MUTATION)

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fieldErrors"] == [
        {"path": ["input", "firstName"], "message": "Too long"}
    ]
    assert error["extensions"]["upstream"]["status"] == status


async def test_rate_limited_carries_retry_after(schema: GatewaySchema) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = _error_body("RATE_LIMITED", retry_after=7)
        return httpx.Response(429, json=body, headers={"Retry-After": "7"})

    result = await _run(schema, handler)

    [error] = result["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == 7


async def test_rate_limited_reads_body_without_header(schema: GatewaySchema) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json=_error_body("RATE_LIMITED", retry_after=3))

    result = await _run(schema, handler)

    assert result["errors"][0]["extensions"]["retryAfter"] == 3


async def test_hanging_upstream_times_out(schema: GatewaySchema) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json={})

    result = await _run(schema, handler, timeout=0.05)

    [error] = result["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_TIMEOUT"
    assert result["data"] == {"contact": None}


async def test_refused_connection_is_unavailable(schema: GatewaySchema) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused.

    result = await _run(
        schema,
        lambda request: None,
        transport=httpx.AsyncHTTPTransport(),
        base_url=f"http://127.0.0.1:{port}/v1",
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"


async def test_reset_connection_is_unavailable(schema: GatewaySchema) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("Connection reset by peer", request=request)

    result = await _run(schema, handler)

    assert result["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{not json", id="unparseable"),
        pytest.param(b"[1, 2]", id="not-an-object"),
        pytest.param(b'{"data": {"id": "ct_abc"}}', id="no-attributes"),
        pytest.param(
            b'{"data": {"attributes": {"id": "ct_abc", "email": 5}}}',
            id="wrong-field-type",
        ),
    ],
)
async def test_malformed_body_is_bad_response(
    schema: GatewaySchema, content: bytes
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content)

    result = await _run(schema, handler)

    [error] = result["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"


async def test_unexpected_error_is_masked(schema: GatewaySchema) -> None:
    # A DateTime nodestash could never send makes serialization fail inside
    # graphql-core: a bug-shaped failure the client must not see details of.
    record = {
        "id": "ct_abc",
        "created_at": "not a timestamp",
        "updated_at": "2026-01-01T00:00:00Z",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"attributes": record}})

    result = await _run(schema, handler, '{ contact(id: "ct_abc") { createdAt } }')

    [error] = result["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
