"""The floor clients answer exactly what the gateway answers, with no more calls."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from benchmarks.floor import FLOOR_CLIENTS
from benchmarks.workloads import WORKLOADS, Seed, Workload, load_seed
from sandbox import DEMO_API_KEY
from tests.conftest import UPSTREAM, Gateway


@pytest.fixture
async def upstream(sandbox_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox_app),
        base_url=UPSTREAM,
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
    ) as client:
        yield client


@pytest.fixture
async def seed(upstream: httpx.AsyncClient) -> Seed:
    return await load_seed(upstream)


READS = [pytest.param(w, id=w.name) for w in WORKLOADS if w.name != "W5"]


@pytest.mark.parametrize("item", READS)
async def test_floor_answers_like_the_gateway(
    item: Workload, gateway: Gateway, upstream: httpx.AsyncClient, seed: Seed
):
    variables = item.variables(seed, 0)

    served = await gateway.post(item.document, variables)
    floor = await FLOOR_CLIENTS[item.name](upstream, variables)

    assert served.status_code == 200
    assert served.json() == floor


@pytest.mark.parametrize("item", [*READS, pytest.param(WORKLOADS[4], id="W5")])
async def test_floor_makes_the_gateways_calls(
    item: Workload, gateway: Gateway, upstream: httpx.AsyncClient, seed: Seed
):
    variables = item.variables(seed, 0)
    await gateway.reset_calls()
    await gateway.post(item.document, variables)
    by_gateway = await gateway.calls()
    await gateway.reset_calls()

    await FLOOR_CLIENTS[item.name](upstream, variables)

    assert await gateway.calls() == by_gateway


async def test_floor_write_answers_like_the_gateway(
    gateway: Gateway, upstream: httpx.AsyncClient, seed: Seed
):
    write = WORKLOADS[4]
    served = (await gateway.post(write.document, write.variables(seed, 0))).json()

    floor = await FLOOR_CLIENTS["W5"](upstream, write.variables(seed, 0))

    contact = served["data"]["updateContact"]["contact"]
    assert floor["data"]["updateContact"]["contact"] == {
        **contact,
        "updatedAt": floor["data"]["updateContact"]["contact"]["updatedAt"],
    }
    assert contact["title"] == "Benchmark title 0"
