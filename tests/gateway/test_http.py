"""GraphQL over HTTP: media types, status codes, refusals and CSRF."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY
from tests.conftest import UPSTREAM, serving

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
GRAPHQL_JSON = "application/graphql-response+json"
QUERY = "{ contacts(first: 1) { nodes { id } } }"


@asynccontextmanager
async def _serving(
    sandbox_app: FastAPI, settings: GatewaySettings
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, transport=httpx.ASGITransport(app=sandbox_app))
    async with serving(app) as client:
        yield client


@pytest.fixture
async def http(sandbox_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with _serving(sandbox_app, GatewaySettings(upstream_url=UPSTREAM)) as client:
        yield client


async def _post(
    http: httpx.AsyncClient, body: Any, accept: str | None = GRAPHQL_JSON, **kw: Any
) -> httpx.Response:
    headers = {**AUTH, **({"Accept": accept} if accept else {})}
    headers.update(kw.pop("headers", {}))
    return await http.post("/graphql", json=body, headers=headers, **kw)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        pytest.param(GRAPHQL_JSON, GRAPHQL_JSON, id="graphql-response"),
        pytest.param("application/json", "application/json", id="json"),
        pytest.param("*/*", GRAPHQL_JSON, id="any"),
        pytest.param(
            "application/json, application/graphql-response+json;q=0.5",
            "application/json",
            id="quality",
        ),
    ],
)
async def test_media_type_follows_accept(
    http: httpx.AsyncClient, accept: str, media: str
) -> None:
    response = await _post(http, {"query": QUERY}, accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    assert response.json()["data"]["contacts"]["nodes"]


async def test_unacceptable_accept_is_406(http: httpx.AsyncClient) -> None:
    response = await _post(http, {"query": QUERY}, "text/csv")

    assert response.status_code == 406


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param("{ contacts(", "GRAPHQL_PARSE_FAILED", id="parse"),
        pytest.param("{ nope }", "GRAPHQL_VALIDATION_FAILED", id="validation"),
    ],
)
async def test_request_errors_by_media_type(
    http: httpx.AsyncClient, query: str, code: str
) -> None:
    strict = await _post(http, {"query": query}, GRAPHQL_JSON)
    legacy = await _post(http, {"query": query}, "application/json")

    assert strict.status_code == 400
    assert "data" not in strict.json()
    assert strict.json()["errors"][0]["extensions"]["code"] == code
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"]["code"] == code


async def test_bad_variables_are_request_errors(http: httpx.AsyncClient) -> None:
    body = {
        "query": "query($n: Int) { contacts(first: $n) { nodes { id } } }",
        "variables": {"n": "ten"},
    }

    response = await _post(http, body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "data" not in response.json()


async def test_executed_operation_with_errors_is_200(http: httpx.AsyncClient) -> None:
    response = await _post(http, {"query": "{ contacts(first: 0) { nodes { id } } }"})

    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_query_over_get(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": QUERY}, headers=AUTH)

    assert response.status_code == 200
    assert response.json()["data"]["contacts"]["nodes"]


async def test_mutation_over_get_is_405(http: httpx.AsyncClient) -> None:
    mutation = 'mutation { deleteContact(id: "ct_x") { deletedId } }'

    response = await http.get("/graphql", params={"query": mutation}, headers=AUTH)

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "content_type",
    ["application/xml", "application/json; charset=latin-1", "application/graphql"],
)
async def test_unsupported_content_type_is_415(
    http: httpx.AsyncClient, content_type: str
) -> None:
    response = await http.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={**AUTH, "Content-Type": content_type},
    )

    assert response.status_code == 415


async def test_body_over_limit_is_413(sandbox_app: FastAPI) -> None:
    settings = GatewaySettings(upstream_url=UPSTREAM, max_body_bytes=2048)
    async with _serving(sandbox_app, settings) as http:
        response = await _post(http, {"query": "{ __typename }", "pad": "x" * 4096})

    assert response.status_code == 413


async def test_default_body_limit_is_two_megabytes(http: httpx.AsyncClient) -> None:
    response = await _post(http, {"query": "{ __typename }", "pad": "x" * 2_100_000})

    assert response.status_code == 413


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"query": "\xff\xfe"}', id="invalid-utf8"),
        pytest.param(b"[" * 1000 + b"]" * 1000, id="deeply-nested"),
        pytest.param(b'{"query": ', id="truncated"),
        pytest.param(b'["{ __typename }"]', id="array"),
        pytest.param(b'"{ __typename }"', id="string"),
        pytest.param(b'{"query": 5}', id="query-number"),
        pytest.param(b'{"query": "{ __typename }", "variables": [1]}', id="vars"),
        pytest.param(b'{"query": "{ __typename }", "operationName": 1}', id="name"),
    ],
)
async def test_malformed_bodies_are_400(
    http: httpx.AsyncClient, content: bytes
) -> None:
    response = await http.post(
        "/graphql",
        content=content,
        headers={**AUTH, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


async def test_two_operations_need_a_name(http: httpx.AsyncClient) -> None:
    document = "query A { __typename } query B { contacts { nodes { id } } }"

    unnamed = await _post(http, {"query": document})
    named = await _post(http, {"query": document, "operationName": "A"})
    unknown = await _post(http, {"query": document, "operationName": "C"})

    assert unnamed.status_code == 400
    assert "operationName" in unnamed.json()["errors"][0]["message"]
    assert named.json() == {"data": {"__typename": "Query"}}
    assert unknown.status_code == 400


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        pytest.param("GET", {}, id="get-without-credential"),
        pytest.param("POST", {"Content-Type": "text/plain"}, id="text-plain"),
        pytest.param(
            "POST",
            {"Content-Type": "application/x-www-form-urlencoded"},
            id="form",
        ),
    ],
)
async def test_simple_cross_site_requests_refused(
    http: httpx.AsyncClient, method: str, headers: dict[str, str]
) -> None:
    response = await http.request(
        method,
        "/graphql",
        params={"query": QUERY} if method == "GET" else None,
        content=b'{"query": "{ __typename }"}' if method == "POST" else None,
        headers=headers,
    )

    assert response.status_code == 400
    assert "preflight" in response.json()["errors"][0]["message"].lower()


async def test_get_with_preflight_header_allowed(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/graphql",
        params={"query": "{ __typename }"},
        headers={"GraphQL-Require-Preflight": "1"},
    )

    assert response.status_code == 200
