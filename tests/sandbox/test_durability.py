"""Durability and concurrency: file databases across restarts, racing writers."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
from fastapi import FastAPI

from sandbox import CONTACTS_ONLY_API_KEY, SandboxSettings, create_app
from sandbox.database import Store
from tests.sandbox.helpers import (
    ADMIN,
    ADMIN_TOKEN,
    DEMO_AUTH,
    client_for,
    data_of,
    error_of,
    serving,
)


def _file_app(path: Path) -> FastAPI:
    return create_app(SandboxSettings(admin_token=ADMIN_TOKEN, database=str(path)))


async def test_file_database_survives_restart(tmp_path: Path):
    database = tmp_path / "sandbox.sqlite3"
    key = {"Idempotency-Key": "restart-1"}
    first = _file_app(database)
    async with client_for(first, DEMO_AUTH) as client:
        created = await client.post(
            "/v1/contacts", json={"email": "k@x.test"}, headers=key
        )
        await client.put(
            f"/_admin/workspaces/{CONTACTS_ONLY_API_KEY}/plan",
            json={"plan": "scale"},
            headers=ADMIN,
        )
    first.state.sandbox.store.close()

    second = _file_app(database)
    async with client_for(second, DEMO_AUTH) as client:
        fetched = await client.get(f"/v1/contacts/{data_of(created)['id']}")
        replayed = await client.post(
            "/v1/contacts", json={"email": "k@x.test"}, headers=key
        )
        plan = await client.get(
            f"/_admin/workspaces/{CONTACTS_ONLY_API_KEY}/plan", headers=ADMIN
        )
    second.state.sandbox.store.close()

    assert data_of(fetched) == data_of(created)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert plan.json()["plan"] == "scale"


async def test_two_apps_share_one_file(tmp_path: Path):
    database = tmp_path / "shared.sqlite3"
    writer, reader = _file_app(database), _file_app(database)
    async with (
        client_for(writer, DEMO_AUTH) as one,
        client_for(reader, DEMO_AUTH) as two,
    ):
        created = await one.post(
            "/v1/companies", json={"name": "Shared", "domain": "s.test"}
        )
        seen = await two.get(f"/v1/companies/{data_of(created)['id']}")
        clash = await two.post(
            "/v1/companies", json={"name": "Again", "domain": "S.test"}
        )

    assert seen.status_code == 200
    assert clash.status_code == 409
    for app in (writer, reader):
        app.state.sandbox.store.close()


def test_older_database_file_gains_new_columns(tmp_path: Path):
    database = str(tmp_path / "old.sqlite3")
    old = sqlite3.connect(database)
    old.executescript(
        "CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL);"
        "CREATE TABLE api_keys (key TEXT PRIMARY KEY, workspace_id TEXT NOT NULL);"
        "INSERT INTO workspaces VALUES ('ws_1', 'Old');"
        "INSERT INTO api_keys VALUES ('nds_test_old', 'ws_1');"
    )
    old.close()

    store = Store.open(database)
    granted = store.api_key("nds_test_old")
    plan = store.connection.execute("SELECT plan FROM workspaces").fetchone()
    store.close()

    assert granted is not None and granted.scopes == frozenset({"*"})
    assert plan["plan"] == "sandbox"


async def test_concurrent_creates_with_one_email_make_one_contact(
    client: httpx.AsyncClient,
):
    body = {"email": "Same@Race.test"}

    responses = await asyncio.gather(
        *(client.post("/v1/contacts", json=body) for _ in range(100))
    )

    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 1
    assert statuses.count(409) == 99
    assert {error_of(r)["code"] for r in responses if r.status_code == 409} == {
        "CONFLICT"
    }
    found = await client.get("/v1/contacts", params={"email": "same@race.test"})
    assert len(data_of(found)) == 1


async def test_concurrent_creates_over_http_keep_domains_unique():
    async with serving(SandboxSettings()) as url:
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(
            base_url=url, headers=DEMO_AUTH, limits=limits
        ) as client:
            responses = await asyncio.gather(
                *(
                    client.post(
                        "/v1/companies", json={"name": f"C{n}", "domain": "one.test"}
                    )
                    for n in range(20)
                )
            )

    statuses = [r.status_code for r in responses]
    assert (statuses.count(201), statuses.count(409)) == (1, 19)


async def test_concurrent_patches_of_different_fields_lose_nothing(
    client: httpx.AsyncClient,
):
    contact = data_of(await client.post("/v1/contacts", json={}))
    path = f"/v1/contacts/{contact['id']}"
    patches = [
        {"first_name": "Ada"},
        {"last_name": "Lovelace"},
        {"title": "Analyst"},
        {"phone": "+44 20 0000"},
        {"source": "import"},
        {"tags": ["vip"]},
        {"custom_fields": {"nickname": "Countess"}},
        {"custom_fields": {"lead_score": 99}},
    ]
    values = [{"fields": {"tier": "gold"}}, {"fields": {"newsletter_opt_in": True}}]

    await asyncio.gather(
        *(client.patch(path, json=body) for body in patches),
        *(client.put(f"{path}/custom-fields", json=body) for body in values),
    )
    final = data_of(await client.get(path))["attributes"]

    assert final["first_name"] == "Ada"
    assert final["last_name"] == "Lovelace"
    assert (final["title"], final["phone"], final["source"]) == (
        "Analyst",
        "+44 20 0000",
        "import",
    )
    assert final["tags"] == ["vip"]
    assert final["custom_fields"] == {
        "nickname": "Countess",
        "lead_score": 99,
        "tier": "gold",
        "newsletter_opt_in": True,
    }
