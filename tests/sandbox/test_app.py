"""Contract tests for the app shell: envelopes, request ids, routing errors."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from sandbox.app import create_server
from sandbox.settings import SandboxSettings
from tests.sandbox.helpers import DEMO_AUTH, REQUEST_ID, data_of, error_of


async def test_single_resource_envelope_duplicates_id(client: httpx.AsyncClient):
    listed = data_of(await client.get("/v1/contacts", params={"limit": 1}))[0]

    response = await client.get(f"/v1/contacts/{listed['id']}")

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"data", "meta"}
    assert set(body["data"]) == {"id", "type", "attributes"}
    assert body["data"]["type"] == "contact"
    assert body["data"]["id"] == body["data"]["attributes"]["id"] == listed["id"]
    assert body["meta"] == {"request_id": response.headers["X-Request-Id"]}
    assert response.headers["content-type"] == "application/json"


async def test_list_envelope_has_pagination(client: httpx.AsyncClient):
    response = await client.get("/v1/companies", params={"limit": 2})

    meta = response.json()["meta"]
    assert set(meta) == {"request_id", "pagination"}
    assert set(meta["pagination"]) == {"next_cursor", "has_more"}
    assert meta["pagination"]["has_more"] is True


async def test_request_id_is_fresh_per_response(client: httpx.AsyncClient):
    first = await client.get("/v1/contacts", headers={"X-Request-Id": "req_mine"})
    second = await client.get("/v1/contacts")

    ids = [r.headers["X-Request-Id"] for r in (first, second)]
    assert all(REQUEST_ID.fullmatch(request_id) for request_id in ids)
    assert ids[0] != ids[1]
    assert first.json()["meta"]["request_id"] == ids[0]


async def test_request_id_on_errors_and_empty_responses(client: httpx.AsyncClient):
    created = data_of(await client.post("/v1/contacts", json={}))

    deleted = await client.delete(f"/v1/contacts/{created['id']}")
    missing = await client.get(f"/v1/contacts/{created['id']}")

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert REQUEST_ID.fullmatch(deleted.headers["X-Request-Id"])
    assert error_of(missing) == {"code": "NOT_FOUND", "message": "Contact not found"}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/nothing-here", id="unknown-resource"),
        pytest.param("/v1/contacts/", id="trailing-slash"),
        pytest.param("/v1", id="bare-prefix"),
        pytest.param("/contacts", id="no-prefix"),
    ],
)
async def test_unknown_route_answers_not_found_envelope(
    client: httpx.AsyncClient, path: str
):
    response = await client.get(path)

    assert response.status_code == 404
    assert error_of(response) == {"code": "NOT_FOUND", "message": "Route not found"}


async def test_wrong_method_answers_405_with_allow(client: httpx.AsyncClient):
    response = await client.put("/v1/contacts/ct_x", json={})

    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, PATCH"
    assert error_of(response)["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"{", "Malformed JSON body", id="truncated"),
        pytest.param(b"", "Malformed JSON body", id="empty"),
        pytest.param(b"NaN", "Malformed JSON body", id="nan"),
        pytest.param(b"\xff\xfe", "Malformed JSON body", id="not-utf8"),
        pytest.param(b"[" * 5000, "Malformed JSON body", id="too-deep"),
        pytest.param(b"[]", "Request body must be a JSON object", id="array"),
        pytest.param(b"null", "Request body must be a JSON object", id="null"),
    ],
)
async def test_bad_json_body_is_validation_error(
    client: httpx.AsyncClient, content: bytes, message: str
):
    response = await client.post("/v1/contacts", content=content)

    assert response.status_code == 400
    assert error_of(response) == {"code": "VALIDATION_ERROR", "message": message}


async def test_unexpected_exception_becomes_internal_error(
    app: FastAPI, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    async def broken() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/v1/broken", broken)

    with caplog.at_level(logging.ERROR, logger="sandbox.middleware"):
        response = await client.get("/v1/broken")

    assert response.status_code == 500
    assert error_of(response) == {
        "code": "INTERNAL_ERROR",
        "message": "Internal server error",
    }
    assert "Unhandled error on GET /v1/broken" in caplog.text


def test_create_server_uses_settings_address():
    settings = SandboxSettings(host="::1", port=8123, seed=False)

    server = create_server(settings)

    app = server.config.app
    assert (server.config.host, server.config.port) == ("::1", 8123)
    assert isinstance(app, FastAPI)
    app.state.sandbox.store.close()


async def _started(server: uvicorn.Server) -> None:
    while not server.started:
        await asyncio.sleep(0.01)


async def test_server_answers_over_loopback():
    server = create_server(SandboxSettings(port=0, seed=False))
    serving = asyncio.create_task(server.serve())
    await asyncio.wait_for(_started(server), timeout=5)
    port = server.servers[0].sockets[0].getsockname()[1]

    async with httpx.AsyncClient(headers=DEMO_AUTH) as client:
        response = await client.get(f"http://127.0.0.1:{port}/v1/contacts")

    server.should_exit = True
    await serving
    assert response.status_code == 200
    assert response.json()["data"] == []
