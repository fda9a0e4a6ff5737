"""The fewest REST calls nodestash allows, on the shortest critical path."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.context import GatewayContext
from gateway.upstream import UpstreamClient
from sandbox import DEMO_API_KEY
from schema import GatewaySchema
from tests.conftest import UPSTREAM, Gateway

NESTED = """
{ contacts(first: 50) { nodes { id companyId company { name }
  customFields { slug } } } }
"""


async def test_nested_list_makes_floor_calls(gateway: Gateway) -> None:
    await gateway.reset_calls()

    result = await gateway.execute(NESTED)

    nodes = result["data"]["contacts"]["nodes"]
    companies = {node["companyId"] for node in nodes if node["companyId"]}
    assert len(companies) > 1
    assert await gateway.calls() == {
        "GET /v1/contacts": 1,
        "GET /v1/custom-fields": 1,
        "GET /v1/companies/{id}": len(companies),
    }


async def test_aliased_lookups_dedupe(gateway: Gateway) -> None:
    listed = await gateway.execute("{ contacts(first: 5) { nodes { id } } }")
    ids = [node["id"] for node in listed["data"]["contacts"]["nodes"]]
    aliases = " ".join(
        f'c{n}: contact(id: "{ids[n % 5]}") {{ id email }}' for n in range(20)
    )
    await gateway.reset_calls()

    result = await gateway.execute(f"{{ {aliases} }}")

    assert {result["data"][f"c{n}"]["id"] for n in range(20)} == set(ids)
    assert await gateway.calls() == {"GET /v1/contacts/{id}": 5}


async def test_contact_with_company_is_one_call(gateway: Gateway) -> None:
    listed = await gateway.execute("{ contacts(first: 20) { nodes { id companyId } } }")
    contact = next(n for n in listed["data"]["contacts"]["nodes"] if n["companyId"])
    await gateway.reset_calls()

    result = await gateway.execute(
        f'{{ contact(id: "{contact["id"]}") {{ company {{ id name }} }} }}'
    )

    assert result["data"]["contact"]["company"]["id"] == contact["companyId"]
    assert await gateway.calls() == {"GET /v1/contacts/{id}": 1}


async def test_lookups_with_company_and_fields_dedupe(gateway: Gateway) -> None:
    listed = await gateway.execute("{ contacts(first: 3) { nodes { id } } }")
    ids = [node["id"] for node in listed["data"]["contacts"]["nodes"]]
    aliases = " ".join(
        f'c{n}: contact(id: "{ids[n % 3]}") {{ company {{ name }}'
        " customFields { slug } }"
        for n in range(9)
    )
    await gateway.reset_calls()

    await gateway.execute(f"{{ {aliases} }}")

    assert await gateway.calls() == {
        "GET /v1/contacts/{id}": 3,
        "GET /v1/custom-fields": 1,
    }


async def test_companies_with_contacts_fan_in(gateway: Gateway) -> None:
    await gateway.reset_calls()

    result = await gateway.execute(
        "{ companies(first: 20) { nodes { contacts(first: 10) { nodes { id } } } } }"
    )

    assert len(result["data"]["companies"]["nodes"]) == 20
    assert await gateway.calls() == {"GET /v1/companies": 1, "GET /v1/contacts": 20}


class _Recorder(httpx.AsyncBaseTransport):
    """Passes calls through, slowed down, noting when each starts and ends."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.clock = itertools.count()
        self.spans: list[tuple[int, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = next(self.clock)
        await asyncio.sleep(0.02)
        response = await self.inner.handle_async_request(request)
        self.spans.append((started, next(self.clock)))
        return response

    def round_trips(self) -> int:
        """The longest chain of calls where each starts after the last ended."""
        depth: dict[tuple[int, int], int] = {}
        for span in sorted(self.spans):
            before = [depth[s] for s in depth if s[1] < span[0]]
            depth[span] = 1 + max(before, default=0)
        return max(depth.values(), default=0)


async def _recorded(
    sandbox_app: FastAPI, schema: GatewaySchema, query: str
) -> tuple[dict[str, Any], _Recorder]:
    recorder = _Recorder(httpx.ASGITransport(app=sandbox_app))
    async with UpstreamClient(base_url=UPSTREAM, transport=recorder) as client:
        context = GatewayContext.for_request(
            client=client,
            authorization=f"Bearer {DEMO_API_KEY}",
            request_id="critical-path",
        )
        result = await schema.execute(query, context_value=context)
    assert not result.errors, result.errors
    assert result.data is not None
    return result.data, recorder


async def test_nested_list_takes_two_round_trips(
    sandbox_app: FastAPI, schema: GatewaySchema
) -> None:
    _, recorder = await _recorded(sandbox_app, schema, NESTED)

    assert len(recorder.spans) > 3
    assert recorder.round_trips() == 2


async def test_lookup_with_fields_takes_one_round_trip(
    sandbox_app: FastAPI, schema: GatewaySchema
) -> None:
    data, _ = await _recorded(
        sandbox_app, schema, "{ contacts(first: 1) { nodes { id } } }"
    )
    contact_id = data["contacts"]["nodes"][0]["id"]

    _, recorder = await _recorded(
        sandbox_app,
        schema,
        f'{{ contact(id: "{contact_id}") {{ company {{ name }} customFields'
        " { slug } } }",
    )

    assert len(recorder.spans) == 2
    assert recorder.round_trips() == 1
