"""The production profile: no GraphiQL, no introspection, no suggestions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY
from tests.conftest import UPSTREAM, serving

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}


@pytest.fixture
async def production(sandbox_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(upstream_url=UPSTREAM, production=True)
    app = create_app(settings, transport=httpx.ASGITransport(app=sandbox_app))
    async with serving(app) as client:
        yield client


async def test_graphiql_off(production: httpx.AsyncClient) -> None:
    response = await production.get("/graphql", headers={"Accept": "text/html"})

    # Only GraphQL media types are served now, so a browser gets 406.
    assert response.status_code == 406
    assert "<html" not in response.text


async def test_introspection_off(production: httpx.AsyncClient) -> None:
    response = await production.post(
        "/graphql", json={"query": "{ __schema { types { name } } }"}, headers=AUTH
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "introspection" in errors[0]["message"].lower()


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        pytest.param("{ contact { id } contacs { nodes { id } } }", None, id="field"),
        pytest.param("{ contacts(frist: 2) { nodes { id } } }", None, id="argument"),
        pytest.param(
            "{ contacts(orderBy: [{field: EMAL}]) { nodes { id } } }",
            None,
            id="enum-value",
        ),
        pytest.param(
            "{ contacts(filter: {emial: 1}) { nodes { id } } }", None, id="input-field"
        ),
        pytest.param("query($f: ContactFiltr) { __typename }", None, id="type"),
        pytest.param(
            "query($f: ContactFilter) { contacts(filter: $f) { nodes { id } } }",
            {"f": {"emial": "x"}},
            id="variable",
        ),
    ],
)
async def test_no_suggestions(
    production: httpx.AsyncClient, query: str, variables: dict[str, object] | None
) -> None:
    response = await production.post(
        "/graphql", json={"query": query, "variables": variables}, headers=AUTH
    )

    messages = [error["message"] for error in response.json()["errors"]]
    assert messages
    assert not any("Did you mean" in message for message in messages), messages


async def test_suggestions_kept_in_development(
    sandbox_app: FastAPI,
) -> None:
    app = create_app(
        GatewaySettings(upstream_url=UPSTREAM),
        transport=httpx.ASGITransport(app=sandbox_app),
    )
    async with serving(app) as client:
        response = await client.post(
            "/graphql", json={"query": "{ contacs { nodes { id } } }"}, headers=AUTH
        )

    assert "Did you mean" in response.json()["errors"][0]["message"]


async def test_coded_errors_keep_extensions(production: httpx.AsyncClient) -> None:
    response = await production.post(
        "/graphql",
        json={"query": "{ contacts(first: 0) { nodes { id } } }"},
        headers=AUTH,
    )

    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fieldErrors"][0]["path"] == ["first"]
