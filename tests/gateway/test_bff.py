"""Backend-for-frontend mode: the gateway holds the key; CORS allow-list."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from gateway.app import create_app
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY, OTHER_API_KEY
from tests.conftest import UPSTREAM, serving

ORIGIN = "https://app.example.test"


@pytest.fixture
async def bff(sandbox_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings(
        upstream_url=UPSTREAM,
        server_api_key=DEMO_API_KEY,
        cors_origins=f"{ORIGIN}, https://admin.example.test",
    )
    app = create_app(settings, transport=httpx.ASGITransport(app=sandbox_app))
    async with serving(app) as client:
        yield client


async def test_clients_send_no_key(bff: httpx.AsyncClient) -> None:
    response = await bff.post(
        "/graphql",
        json={"query": "{ contacts(first: 2) { nodes { id } } }"},
        headers={"Origin": ORIGIN},
    )

    assert len(response.json()["data"]["contacts"]["nodes"]) == 2
    assert response.headers["access-control-allow-origin"] == ORIGIN


async def test_client_key_is_ignored(bff: httpx.AsyncClient) -> None:
    mine = await bff.post(
        "/graphql",
        json={"query": "{ contacts(first: 100) { nodes { id } } }"},
        headers={"Authorization": f"Bearer {OTHER_API_KEY}"},
    )

    # The server key's workspace answers: the demo workspace has 200+ contacts.
    assert len(mine.json()["data"]["contacts"]["nodes"]) == 100


async def test_preflight_allowed_origin(bff: httpx.AsyncClient) -> None:
    response = await bff.options(
        "/graphql",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN


async def test_preflight_other_origin_refused(bff: httpx.AsyncClient) -> None:
    response = await bff.options(
        "/graphql",
        headers={
            "Origin": "https://evil.example.test",
            "Access-Control-Request-Method": "POST",
        },
    )

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_simple_cross_site_post_still_refused(bff: httpx.AsyncClient) -> None:
    response = await bff.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example.test"},
    )

    assert response.status_code == 400


def test_settings_never_show_the_key() -> None:
    settings = GatewaySettings(server_api_key=DEMO_API_KEY)

    assert DEMO_API_KEY not in repr(settings)
    assert DEMO_API_KEY not in str(settings.model_dump())
