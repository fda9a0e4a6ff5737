"""Prometheus metrics: what each operation, call, batch and lookup records."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY

from gateway.app import create_app
from gateway.metrics import BoundedLabels, upstream_route
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY
from tests.conftest import UPSTREAM, Gateway, serving

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
QUERY = "{ contacts(first: 1) { nodes { id } } }"
ROOT = Path(__file__).resolve().parents[2]


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@asynccontextmanager
async def _gateway(
    transport: httpx.AsyncBaseTransport, settings: GatewaySettings
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, transport=transport)
    async with serving(app) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "route"),
    [
        pytest.param("/contacts", "/contacts", id="list"),
        pytest.param("/contacts/ct_8f2k", "/contacts/{id}", id="record"),
        pytest.param(
            "/companies/co_1/custom-fields",
            "/companies/{id}/custom-fields",
            id="values",
        ),
        pytest.param("/contacts/ct_1/x/y", "/contacts/{id}/{other}/{id}", id="odd"),
    ],
)
def test_upstream_route_replaces_ids(path: str, route: str) -> None:
    assert upstream_route(path) == route


async def test_operation_counted_by_name_type_outcome(gateway: Gateway) -> None:
    ok = {"operation": "MetricsFew", "type": "query", "outcome": "ok"}
    failed = {**ok, "operation": "MetricsNoKey", "outcome": "UNAUTHENTICATED"}
    before = _value("gateway_operations_total", **ok)

    await gateway.post("query MetricsFew { contacts(first: 2) { nodes { id } } }")
    await gateway.post("query MetricsNoKey { contacts { nodes { id } } }", key=None)

    assert _value("gateway_operations_total", **ok) == before + 1
    assert _value("gateway_operations_total", **failed) >= 1
    assert (
        _value(
            "gateway_operation_duration_seconds_count",
            operation="MetricsFew",
            type="query",
        )
        >= 1
    )


async def test_refused_operation_counted_with_code(gateway: Gateway) -> None:
    labels = {"operation": "anonymous", "type": "-"}
    parse = {**labels, "outcome": "GRAPHQL_PARSE_FAILED"}
    media = {**labels, "outcome": "HTTP_415"}
    parse_before = _value("gateway_operations_total", **parse)
    media_before = _value("gateway_operations_total", **media)

    await gateway.post("{ contacts { ")
    await gateway.http.post("/graphql", content=b"{}", headers=AUTH)

    assert _value("gateway_operations_total", **parse) == parse_before + 1
    assert _value("gateway_operations_total", **media) == media_before + 1


async def test_upstream_calls_counted_by_route(gateway: Gateway) -> None:
    found = {"method": "GET", "route": "/contacts/{id}", "status": "200"}
    missing = {**found, "status": "404"}
    listed = await gateway.post("{ contacts(first: 1) { nodes { id } } }")
    record_id = listed.json()["data"]["contacts"]["nodes"][0]["id"]
    found_before = _value("gateway_upstream_calls_total", **found)
    missing_before = _value("gateway_upstream_calls_total", **missing)

    await gateway.post(f'{{ contact(id: "{record_id}") {{ id }} }}')
    await gateway.post('{ contact(id: "ct_doesnotexist") { id } }')

    assert _value("gateway_upstream_calls_total", **found) == found_before + 1
    assert _value("gateway_upstream_calls_total", **missing) == missing_before + 1


async def test_batch_sizes_observed_per_loader(gateway: Gateway) -> None:
    listed = await gateway.post("{ contacts(first: 3) { nodes { id } } }")
    ids = [node["id"] for node in listed.json()["data"]["contacts"]["nodes"]]
    query = " ".join(
        f'c{i}: contact(id: "{id_}") {{ id }}' for i, id_ in enumerate(ids)
    )
    before_count = _value("gateway_dataloader_batch_size_count", loader="contacts")
    before_sum = _value("gateway_dataloader_batch_size_sum", loader="contacts")

    await gateway.post(f"{{ {query} }}")

    assert (
        _value("gateway_dataloader_batch_size_count", loader="contacts")
        == before_count + 1
    )
    assert _value("gateway_dataloader_batch_size_sum", loader="contacts") == (
        before_sum + 3
    )


async def test_definitions_cache_hits_and_misses(gateway: Gateway) -> None:
    query = "{ contacts(first: 1) { nodes { customFields { slug } } } }"
    hits = _value("gateway_definitions_cache_lookups_total", result="hit")
    misses = _value("gateway_definitions_cache_lookups_total", result="miss")

    await gateway.post(query)
    await gateway.post(query)

    assert _value("gateway_definitions_cache_lookups_total", result="miss") == (
        misses + 1
    )
    assert _value("gateway_definitions_cache_lookups_total", result="hit") == hits + 1


async def test_requests_in_flight_gauge(sandbox_app: FastAPI) -> None:
    sandbox = httpx.ASGITransport(app=sandbox_app)
    during: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        during.append(_value("gateway_http_requests_in_flight"))
        return await sandbox.handle_async_request(request)

    settings = GatewaySettings(upstream_url=UPSTREAM)
    async with _gateway(httpx.MockTransport(handler), settings) as client:
        before = _value("gateway_http_requests_in_flight")
        await client.post("/graphql", json={"query": QUERY}, headers=AUTH)
        after = _value("gateway_http_requests_in_flight")

    assert during == [before + 1]
    assert after == before


async def test_metrics_endpoint_serves_prometheus_text(gateway: Gateway) -> None:
    await gateway.post("query Scraped { contacts(first: 1) { nodes { id } } }")

    response = await gateway.http.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert (
        'gateway_operations_total{operation="Scraped",outcome="ok",type="query"}'
        in response.text
    )
    assert "gateway_upstream_call_duration_seconds_bucket" in response.text


async def test_metrics_endpoint_off_by_setting(sandbox_app: FastAPI) -> None:
    settings = GatewaySettings(upstream_url=UPSTREAM, metrics=False)
    transport = httpx.ASGITransport(app=sandbox_app)

    async with _gateway(transport, settings) as client:
        response = await client.get("/metrics")

    assert response.status_code == 404


def test_operation_names_bounded_then_other() -> None:
    names = BoundedLabels(2)

    labels = [names(name) for name in ("A", "B", "C", "A", "D")]

    assert labels == ["A", "B", "other", "A", "other"]


async def test_metrics_summed_across_worker_processes(
    sandbox_app: FastAPI, tmp_path: Path
) -> None:
    record = (
        "from gateway.metrics import observe_operation\n"
        "observe_operation(\n"
        "    name='Worker', operation_type='query', outcome='ok', seconds=0.01\n"
        ")\n"
    )
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", record],
            cwd=ROOT,
            env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": ""},
            check=True,
            timeout=60,
        )
    settings = GatewaySettings(
        upstream_url=UPSTREAM, prometheus_multiproc_dir=str(tmp_path)
    )
    transport = httpx.ASGITransport(app=sandbox_app)

    async with _gateway(transport, settings) as client:
        response = await client.get("/metrics")

    line = 'gateway_operations_total{operation="Worker",outcome="ok",type="query"} 2.0'
    assert line in response.text.splitlines()
