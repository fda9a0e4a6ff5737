"""Idempotency-Key: replays, refused reuse, retention and what is remembered."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sandbox import SandboxSettings, create_app
from tests.sandbox.helpers import (
    ADMIN_TOKEN,
    DEMO_AUTH,
    client_for,
    data_of,
    error_of,
)


def _key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


async def _contacts_with(client: httpx.AsyncClient, address: str) -> int:
    return len(data_of(await client.get("/v1/contacts", params={"email": address})))


async def test_same_key_and_body_replays_without_second_write(
    client: httpx.AsyncClient,
):
    body = {"email": "once@x.test", "first_name": "Una"}

    first = await client.post("/v1/contacts", json=body, headers=_key("k-1"))
    second = await client.post("/v1/contacts", json=body, headers=_key("k-1"))

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second.headers["X-Request-Id"] == first.headers["X-Request-Id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert "X-RateLimit-Remaining" in second.headers
    assert await _contacts_with(client, "once@x.test") == 1


async def test_body_is_compared_as_json(client: httpx.AsyncClient):
    first = await client.post(
        "/v1/companies",
        content=b'{"name": "Acme", "tags": ["a"]}',
        headers=_key("k-json"),
    )
    second = await client.post(
        "/v1/companies",
        content=b'{"tags":["a"],"name":"Acme"}',
        headers=_key("k-json"),
    )

    assert second.headers["Idempotent-Replayed"] == "true"
    assert data_of(second)["id"] == data_of(first)["id"]


async def test_same_key_with_other_body_is_refused(client: httpx.AsyncClient):
    await client.post("/v1/contacts", json={"email": "a@x.test"}, headers=_key("k-2"))

    response = await client.post(
        "/v1/contacts", json={"email": "b@x.test"}, headers=_key("k-2")
    )

    message = "Idempotency-Key 'k-2' was already used with a different request body"
    assert response.status_code == 422
    assert error_of(response) == {
        "code": "UNPROCESSABLE_ENTITY",
        "message": message,
        "details": [{"field": "Idempotency-Key", "message": message}],
    }
    assert await _contacts_with(client, "b@x.test") == 0


async def test_keys_are_scoped_by_path_and_workspace(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
):
    body = {"name": "Scoped"}
    first = await client.post("/v1/companies", json=body, headers=_key("k-3"))
    other_path = await client.post(
        "/v1/contacts", json={"first_name": "Scoped"}, headers=_key("k-3")
    )
    other_workspace = await other_client.post(
        "/v1/companies", json=body, headers=_key("k-3")
    )

    for response in (first, other_path, other_workspace):
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response.headers


async def test_failed_request_is_not_remembered(client: httpx.AsyncClient):
    failed = await client.post(
        "/v1/contacts", json={"email": "nope"}, headers=_key("k-4")
    )
    retried = await client.post(
        "/v1/contacts", json={"email": "fixed@x.test"}, headers=_key("k-4")
    )

    assert failed.status_code == 400
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers


async def test_patch_replay_does_not_apply_again(client: httpx.AsyncClient):
    contact = data_of(await client.post("/v1/contacts", json={}))
    path = f"/v1/contacts/{contact['id']}"
    first = await client.patch(path, json={"title": "One"}, headers=_key("k-5"))
    await client.patch(path, json={"title": "Two"})

    replayed = await client.patch(path, json={"title": "One"}, headers=_key("k-5"))
    current = data_of(await client.get(path))

    assert data_of(replayed) == data_of(first)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert current["attributes"]["title"] == "Two"


async def test_custom_field_values_put_replays(client: httpx.AsyncClient):
    contact = data_of(await client.post("/v1/contacts", json={}))
    path = f"/v1/contacts/{contact['id']}/custom-fields"
    body = {"fields": {"nickname": "Jo"}}

    first = await client.put(path, json=body, headers=_key("k-6"))
    second = await client.put(path, json=body, headers=_key("k-6"))

    assert first.status_code == second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.content == first.content


async def test_replay_still_needs_the_scope(
    client: httpx.AsyncClient, read_only: httpx.AsyncClient
):
    body = {"first_name": "Scope"}
    await client.post("/v1/contacts", json=body, headers=_key("k-7"))

    response = await read_only.post("/v1/contacts", json=body, headers=_key("k-7"))

    assert response.status_code == 403


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_bad_key_is_validation_error(client: httpx.AsyncClient, key: str):
    response = await client.post("/v1/contacts", json={}, headers=_key(key))

    assert response.status_code == 400
    assert error_of(response)["details"] == [
        {"field": "Idempotency-Key", "message": "Must be between 1 and 255 characters"}
    ]


async def test_key_is_ignored_on_delete(client: httpx.AsyncClient):
    contact = data_of(await client.post("/v1/contacts", json={}))
    path = f"/v1/contacts/{contact['id']}"

    first = await client.delete(path, headers=_key("k-8"))
    second = await client.delete(path, headers=_key("k-8"))

    assert (first.status_code, second.status_code) == (204, 404)


async def test_concurrent_requests_with_one_key_write_once(
    client: httpx.AsyncClient,
):
    body = {"email": "race@x.test"}

    responses = await asyncio.gather(
        *(
            client.post("/v1/contacts", json=body, headers=_key("k-9"))
            for _ in range(20)
        )
    )

    assert {r.status_code for r in responses} == {201}
    assert sum("Idempotent-Replayed" in r.headers for r in responses) == 19
    assert await _contacts_with(client, "race@x.test") == 1


async def test_keys_expire_after_the_retention_window():
    settings = SandboxSettings(admin_token=ADMIN_TOKEN, idempotency_ttl_seconds=0.05)
    app = create_app(settings)
    async with client_for(app, DEMO_AUTH) as client:
        body = {"first_name": "Twice"}
        first = await client.post("/v1/contacts", json=body, headers=_key("k-10"))
        await asyncio.sleep(0.1)
        second = await client.post("/v1/contacts", json=body, headers=_key("k-10"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second.headers
    assert data_of(second)["id"] != data_of(first)["id"]
    app.state.sandbox.store.close()
