"""Fault kinds that need a real connection, against a loopback uvicorn server."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from sandbox import SandboxSettings
from sandbox.fault_rules import FaultConfig, FaultRule
from tests.sandbox.helpers import ADMIN_TOKEN, DEMO_AUTH, data_of, serving


def _settings(*rules: FaultRule) -> SandboxSettings:
    return SandboxSettings(admin_token=ADMIN_TOKEN, faults=FaultConfig(rules=rules))


async def test_reset_closes_the_connection_without_an_answer(
    caplog: pytest.LogCaptureFixture,
):
    rule = FaultRule(route="GET /v1/contacts", reset_rate=1.0, count=1)
    async with serving(_settings(rule)) as url:
        async with httpx.AsyncClient(base_url=url, headers=DEMO_AUTH) as client:
            with pytest.raises(httpx.TransportError):
                await client.get("/v1/contacts")
            after = await client.get("/v1/contacts")

    assert after.status_code == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_hang_times_out_the_client_after_the_write():
    rule = FaultRule(route="POST /v1/contacts", hang_seconds=0.15)
    async with serving(_settings(rule)) as url:
        async with httpx.AsyncClient(base_url=url, headers=DEMO_AUTH) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.post(
                    "/v1/contacts", json={"email": "hung@x.test"}, timeout=0.05
                )
            found = await client.get("/v1/contacts", params={"email": "hung@x.test"})

    assert len(data_of(found)) == 1


async def test_drip_sends_headers_first_then_the_body_slowly():
    rule = FaultRule(route="GET /v1/companies", drip_bytes_per_second=10_000)
    async with serving(_settings(rule)) as url:
        async with httpx.AsyncClient(base_url=url, headers=DEMO_AUTH) as client:
            started = time.perf_counter()
            params = {"limit": "5"}
            async with client.stream("GET", "/v1/companies", params=params) as response:
                headers_at = time.perf_counter() - started
                body = await response.aread()
            finished = time.perf_counter() - started

    assert response.status_code == 200
    assert finished >= len(body) / 10_000 * 0.9
    assert headers_at < finished / 2
