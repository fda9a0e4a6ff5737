"""Tracing: a span per operation and per upstream call, W3C traceparent both ways."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind, StatusCode

from gateway.app import create_app
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY
from tests.conftest import UPSTREAM, serving

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
QUERY = "query Traced { contacts(first: 2) { nodes { id company { name } } } }"
INCOMING_TRACE = "0af7651916cd43dd8448eb211c80319c"
INCOMING_PARENT = "b7ad6b7169203331"
ROOT = Path(__file__).resolve().parents[2]


class Recording(httpx.AsyncBaseTransport):
    """Passes requests on, keeping each one to look at afterwards."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


@asynccontextmanager
async def _gateway(
    transport: httpx.AsyncBaseTransport,
    exporter: InMemorySpanExporter | None,
    **settings: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        GatewaySettings(upstream_url=UPSTREAM, **settings),
        transport=transport,
        span_exporter=exporter,
    )
    async with serving(app) as client:
        yield client


@pytest.fixture
def upstream(sandbox_app: FastAPI) -> Recording:
    return Recording(httpx.ASGITransport(app=sandbox_app))


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


def _traceparent(span: ReadableSpan) -> str:
    context = span.get_span_context()
    assert context is not None
    ids = f"{context.trace_id:032x}-{context.span_id:016x}"
    return f"00-{ids}-{int(context.trace_flags):02x}"


def _by_kind(spans: tuple[ReadableSpan, ...], kind: SpanKind) -> list[ReadableSpan]:
    return [span for span in spans if span.kind is kind]


async def test_spans_per_operation_and_upstream_call(
    upstream: Recording, exporter: InMemorySpanExporter
) -> None:
    async with _gateway(upstream, exporter, tracing=True) as client:
        await client.post("/graphql", json={"query": QUERY}, headers=AUTH)

    spans = exporter.get_finished_spans()
    (operation,) = _by_kind(spans, SpanKind.SERVER)
    calls = _by_kind(spans, SpanKind.CLIENT)
    assert len(spans) == 1 + len(upstream.requests)
    assert operation.name == "query Traced"
    assert operation.attributes is not None
    assert operation.attributes["graphql.operation.name"] == "Traced"
    assert operation.attributes["gateway.upstream_calls"] == len(calls)
    assert {call.name for call in calls} == {"GET /contacts", "GET /companies/{id}"}
    assert all(call.parent == operation.get_span_context() for call in calls)


async def test_traceparent_sent_upstream_names_call_span(
    upstream: Recording, exporter: InMemorySpanExporter
) -> None:
    async with _gateway(upstream, exporter, tracing=True) as client:
        await client.post("/graphql", json={"query": QUERY}, headers=AUTH)

    calls = _by_kind(exporter.get_finished_spans(), SpanKind.CLIENT)
    sent = sorted(request.headers["traceparent"] for request in upstream.requests)
    assert sent == sorted(_traceparent(call) for call in calls)


async def test_incoming_traceparent_continued(
    upstream: Recording, exporter: InMemorySpanExporter
) -> None:
    incoming = f"00-{INCOMING_TRACE}-{INCOMING_PARENT}-01"

    async with _gateway(upstream, exporter, tracing=True) as client:
        await client.post(
            "/graphql", json={"query": QUERY}, headers={**AUTH, "traceparent": incoming}
        )

    spans = exporter.get_finished_spans()
    (operation,) = _by_kind(spans, SpanKind.SERVER)
    assert operation.parent is not None
    assert f"{operation.parent.span_id:016x}" == INCOMING_PARENT
    assert {f"{span.context.trace_id:032x}" for span in spans if span.context} == {
        INCOMING_TRACE
    }
    assert all(
        request.headers["traceparent"].split("-")[1] == INCOMING_TRACE
        for request in upstream.requests
    )


async def test_retry_gets_its_own_span(
    sandbox_app: FastAPI, exporter: InMemorySpanExporter
) -> None:
    sandbox = httpx.ASGITransport(app=sandbox_app)
    sent: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["traceparent"])
        if len(sent) == 1:
            return httpx.Response(503, json={"error": {"code": "UNAVAILABLE"}})
        return await sandbox.handle_async_request(request)

    async with _gateway(
        httpx.MockTransport(handler),
        exporter,
        tracing=True,
        upstream_retry_base_delay=0,
    ) as client:
        body = {"query": "{ contacts(first: 1) { nodes { id } } }"}
        await client.post("/graphql", json=body, headers=AUTH)

    calls = _by_kind(exporter.get_finished_spans(), SpanKind.CLIENT)
    assert len(sent) == 2 and sent[0] != sent[1]
    assert sorted(sent) == sorted(_traceparent(call) for call in calls)
    assert [call.status.status_code for call in calls] == [
        StatusCode.ERROR,
        StatusCode.UNSET,
    ]


async def test_failed_operation_span_has_error_status(
    upstream: Recording, exporter: InMemorySpanExporter
) -> None:
    async with _gateway(upstream, exporter, tracing=True) as client:
        await client.post("/graphql", json={"query": "{ contacts { nodes { id } } }"})

    (operation,) = exporter.get_finished_spans()
    assert operation.name == "query"
    assert operation.status.status_code is StatusCode.ERROR
    assert operation.status.description == "UNAUTHENTICATED"


async def test_tracing_without_exporter_still_propagates(
    upstream: Recording,
) -> None:
    async with _gateway(
        upstream, None, tracing=True, otel_traces_exporter="none"
    ) as client:
        await client.post("/graphql", json={"query": QUERY}, headers=AUTH)

    assert upstream.requests
    assert all(
        request.headers["traceparent"].startswith("00-")
        for request in upstream.requests
    )


async def test_tracing_off_sends_no_traceparent(
    upstream: Recording, exporter: InMemorySpanExporter
) -> None:
    incoming = f"00-{INCOMING_TRACE}-{INCOMING_PARENT}-01"

    async with _gateway(upstream, exporter) as client:
        await client.post(
            "/graphql", json={"query": QUERY}, headers={**AUTH, "traceparent": incoming}
        )

    assert upstream.requests
    assert not any("traceparent" in request.headers for request in upstream.requests)
    assert exporter.get_finished_spans() == ()


def test_tracing_off_imports_no_opentelemetry_sdk() -> None:
    script = """
import asyncio, sys
import httpx
from gateway.app import create_app
from gateway.settings import GatewaySettings
from sandbox import SandboxSettings, create_app as create_sandbox

async def main():
    sandbox = httpx.ASGITransport(app=create_sandbox(SandboxSettings()))
    settings = GatewaySettings(upstream_url="http://s.test/v1")
    app = create_app(settings, transport=sandbox)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://gw"
    ) as client:
        body = {"query": "{ contacts(first: 1) { nodes { id } } }"}
        response = await client.post(
            "/graphql", json=body, headers={"Authorization": "Bearer k"}
        )
        assert response.status_code == 200, response.text

asyncio.run(main())
tracing = ("opentelemetry.sdk", "gateway.spans")
loaded = [m for m in sys.modules if m.startswith(tracing)]
assert not loaded, loaded
"""

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_tracing_setting_read_from_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GATEWAY_TRACING", "true")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")

    settings = GatewaySettings()

    assert settings.tracing is True
    assert settings.otel_traces_exporter == "console"
