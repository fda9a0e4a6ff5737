"""Shared state in a real Redis: two gateway processes see the same state."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis

from sandbox import DEMO_API_KEY
from tests.gateway.test_cli import ROOT, _free_port, _wait_until_listening

QUERY = "query Shared { contacts(first: 3) { nodes { id } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Redis from TEST_REDIS_URL (CI starts one), else a server of our own."""
    if url := os.environ.get("TEST_REDIS_URL"):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed; .ci/run installs it")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    workdir: Path = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_until_listening(port, server)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def gateways(redis_url: str) -> Iterator[tuple[str, str, redis.Redis]]:
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    sandbox_port = _free_port()
    ports = [_free_port(), _free_port()]
    base = {
        **os.environ,
        "SANDBOX_PORT": str(sandbox_port),
        "GATEWAY_UPSTREAM_URL": f"http://127.0.0.1:{sandbox_port}/v1",
        "REDIS_URL": redis_url,
        "SANDBOX_ADMIN_TOKEN": "redis-test",
    }
    command = [sys.executable, "-m", "gateway.cli"]
    processes = [
        subprocess.Popen(
            [*command, *args],
            cwd=ROOT,
            env={**base, **extra},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for args, extra in [
            (["sandbox"], {}),
            (["serve"], {"GATEWAY_PORT": str(ports[0])}),
            (["serve"], {"GATEWAY_PORT": str(ports[1])}),
        ]
    ]
    try:
        for port, process in zip([sandbox_port, *ports], processes, strict=True):
            _wait_until_listening(port, process)
        # A burst of two calls a second, so pacing is visible with few calls.
        plan = httpx.put(
            f"http://127.0.0.1:{sandbox_port}/_admin/workspaces/{DEMO_API_KEY}/plan",
            json={"plan": "free", "burst_limit": 2},
            headers={"X-Admin-Token": "redis-test"},
        )
        plan.raise_for_status()
        yield (
            f"http://127.0.0.1:{ports[0]}/graphql",
            f"http://127.0.0.1:{ports[1]}/graphql",
            store,
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            process.wait(timeout=20)
        store.close()


def test_query_registered_on_one_found_on_other(
    gateways: tuple[str, str, redis.Redis],
) -> None:
    first, second, _ = gateways
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}

    registered = httpx.post(
        first, json={"query": QUERY, "extensions": persisted}, headers=AUTH
    )
    found = httpx.post(second, json={"extensions": persisted}, headers=AUTH)

    assert registered.status_code == 200
    assert found.json() == registered.json()
    assert len(found.json()["data"]["contacts"]["nodes"]) == 3


def _upstream_429s(url: str) -> float:
    metrics = httpx.get(url.replace("/graphql", "/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("gateway_upstream_calls_total") and 'status="429"' in line
    )


def test_rate_budget_is_shared(gateways: tuple[str, str, redis.Redis]) -> None:
    first, second, store = gateways
    body = {"query": "{ contacts(first: 1) { nodes { id } } }"}
    # Each process learns the burst limit from its first answer.
    for url in (first, second):
        assert httpx.post(url, json=body, headers=AUTH).status_code == 200
    time.sleep(1.1)  # let nodestash's one-second window empty

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(
            pool.map(
                lambda url: httpx.post(url, json=body, headers=AUTH, timeout=30),
                [first, second] * 3,
            )
        )

    assert all("errors" not in answer.json() for answer in answers)
    # Six calls against a burst of two per second, from two processes: they
    # shared one window in Redis, so nodestash never had to refuse one.
    assert _upstream_429s(first) + _upstream_429s(second) == 0
    owner = hashlib.sha256(f"Bearer {DEMO_API_KEY}".encode()).hexdigest()
    assert store.get(f"nsgw:burst-limit:{owner}") == b"2"


def test_definitions_cache_shared(gateways: tuple[str, str, redis.Redis]) -> None:
    first, second, store = gateways
    owner = hashlib.sha256(f"Bearer {DEMO_API_KEY}".encode()).hexdigest()
    body = {"query": "{ contacts(first: 2) { nodes { customFields { slug } } } }"}

    httpx.post(first, json=body, headers=AUTH)

    assert store.exists(f"nsgw:defs:{owner}:contact")
    created = httpx.post(
        second,
        json={
            "query": "mutation { createCustomFieldDefinition(input: {entityType:"
            ' CONTACT, name: "Shared Flag", fieldType: BOOLEAN})'
            " { customFieldDefinition { slug } } }"
        },
        headers=AUTH,
    )
    assert "errors" not in created.json()
    assert not store.exists(f"nsgw:defs:{owner}:contact")
