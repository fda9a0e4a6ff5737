"""Automatic persisted queries and trusted documents."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY
from tests.conftest import UPSTREAM, serving

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
QUERY = "query Few { contacts(first: 2) { nodes { id } } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
PERSISTED = {"persistedQuery": {"version": 1, "sha256Hash": HASH}}


@asynccontextmanager
async def _serving(
    sandbox_app: FastAPI, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        GatewaySettings(upstream_url=UPSTREAM, **settings),
        transport=httpx.ASGITransport(app=sandbox_app),
    )
    async with serving(app, headers=AUTH) as client:
        yield client


def _code(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


async def test_apq_registers_then_serves_by_hash(sandbox_app: FastAPI) -> None:
    async with _serving(sandbox_app) as http:
        unknown = await http.post("/graphql", json={"extensions": PERSISTED})
        registered = await http.post(
            "/graphql", json={"query": QUERY, "extensions": PERSISTED}
        )
        by_hash = await http.post("/graphql", json={"extensions": PERSISTED})
        over_get = await http.get(
            "/graphql", params={"extensions": json.dumps(PERSISTED)}
        )

    assert _code(unknown) == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert registered.status_code == 200
    assert by_hash.json() == registered.json()
    assert over_get.json() == registered.json()
    assert len(by_hash.json()["data"]["contacts"]["nodes"]) == 2


async def test_apq_hash_mismatch_refused(sandbox_app: FastAPI) -> None:
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    async with _serving(sandbox_app) as http:
        response = await http.post(
            "/graphql", json={"query": QUERY, "extensions": wrong}
        )
        later = await http.post("/graphql", json={"extensions": wrong})

    assert response.status_code == 400
    assert _code(response) == "BAD_REQUEST"
    assert _code(later) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "extensions",
    [
        pytest.param({"persistedQuery": {"version": 2, "sha256Hash": HASH}}, id="v2"),
        pytest.param(
            {"persistedQuery": {"version": 1, "sha256Hash": "xyz"}}, id="hash"
        ),
    ],
)
async def test_apq_malformed_extension(
    sandbox_app: FastAPI, extensions: dict[str, Any]
) -> None:
    async with _serving(sandbox_app) as http:
        response = await http.post("/graphql", json={"extensions": extensions})

    assert response.status_code == 400
    assert _code(response) in {"BAD_REQUEST", "PERSISTED_QUERY_NOT_SUPPORTED"}


def _apollo_manifest(path: Path) -> Path:
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": HASH, "name": "Few", "type": "query", "body": QUERY}],
    }
    path.write_text(json.dumps(manifest))
    return path


async def test_trusted_documents_run_only_manifest(
    sandbox_app: FastAPI, tmp_path: Path
) -> None:
    manifest = _apollo_manifest(tmp_path / "manifest.json")

    async with _serving(sandbox_app, trusted_documents=manifest) as http:
        by_hash = await http.post("/graphql", json={"extensions": PERSISTED})
        by_id = await http.post("/graphql", json={"documentId": f"sha256:{HASH}"})
        by_text = await http.post("/graphql", json={"query": QUERY})
        other = await http.post("/graphql", json={"query": "{ __typename }"})
        unknown = await http.post("/graphql", json={"documentId": "sha256:" + "1" * 64})

    for response in (by_hash, by_id, by_text):
        assert len(response.json()["data"]["contacts"]["nodes"]) == 2
    assert _code(other) == "TRUSTED_DOCUMENT_REQUIRED"
    assert _code(unknown) == "PERSISTED_QUERY_NOT_FOUND"


async def test_trusted_documents_plain_map(
    sandbox_app: FastAPI, tmp_path: Path
) -> None:
    manifest = tmp_path / "documents.json"
    manifest.write_text(json.dumps({HASH: QUERY}))

    async with _serving(sandbox_app, trusted_documents=manifest) as http:
        response = await http.post("/graphql", json={"extensions": PERSISTED})

    assert len(response.json()["data"]["contacts"]["nodes"]) == 2


def test_manifest_with_wrong_hash_refused_at_start(tmp_path: Path) -> None:
    manifest = tmp_path / "bad.json"
    manifest.write_text(json.dumps({"0" * 64: QUERY}))

    with pytest.raises(ValueError, match="does not match its hash"):
        create_app(GatewaySettings(trusted_documents=manifest))


async def test_apq_works_while_redis_is_down(sandbox_app: FastAPI) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens there: every Redis command fails at once.

    async with _serving(sandbox_app, redis_url=f"redis://127.0.0.1:{port}/0") as http:
        registered = await http.post(
            "/graphql", json={"query": QUERY, "extensions": PERSISTED}
        )
        by_hash = await http.post("/graphql", json={"extensions": PERSISTED})

    assert registered.status_code == 200
    assert by_hash.json() == registered.json()
