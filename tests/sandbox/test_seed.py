"""The demo seed: determinism, shape of the demo data, and start-up rules."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import httpx
import orjson

from sandbox import DEMO_API_KEY, OTHER_API_KEY, SandboxSettings, create_app
from sandbox.database import Store
from sandbox.field_types import FIELD_TYPES, value_problem
from sandbox.seed import (
    DEMO_WORKSPACE_ID,
    OTHER_WORKSPACE_ID,
    generate_records,
    seed_store,
)
from tests.sandbox.helpers import DEMO_AUTH, collect, data_of

TABLES = ("workspaces", "api_keys", "companies", "contacts", "custom_field_definitions")


def _dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: [
            tuple(row)
            for row in store.connection.execute(f"SELECT * FROM {table} ORDER BY 1")
        ]
        for table in TABLES
    }


def _rows(store: Store, table: str, workspace_id: str) -> list[sqlite3.Row]:
    return store.connection.execute(
        f"SELECT * FROM {table} WHERE workspace_id = ?", (workspace_id,)
    ).fetchall()


def _seeded() -> Store:
    store = Store.open(":memory:")
    seed_store(store)
    return store


def test_seed_generation_is_deterministic():
    assert generate_records() == generate_records()


def test_seeded_stores_are_identical():
    first, second = _seeded(), _seeded()

    dumps = _dump(first), _dump(second)

    assert dumps[0] == dumps[1]
    assert len(dumps[0]["contacts"]) == 246
    first.close()
    second.close()


def test_api_keys_follow_nodestash_format():
    assert DEMO_API_KEY.startswith("nds_test_")
    assert OTHER_API_KEY.startswith("nds_test_")
    assert DEMO_API_KEY != OTHER_API_KEY


def test_demo_definitions_cover_every_field_type():
    store = _seeded()

    definitions = _rows(store, "custom_field_definitions", DEMO_WORKSPACE_ID)

    contact = [row for row in definitions if row["entity_type"] == "contact"]
    assert sorted(row["field_type"] for row in contact) == sorted(FIELD_TYPES)
    assert len({row["display_order"] for row in contact}) == len(contact)
    assert not any(row["is_required"] for row in definitions)
    assert all(
        (row["options"] is not None)
        == (row["field_type"] in {"select", "multi_select"})
        for row in definitions
    )
    assert 1 <= sum(row["entity_type"] == "company" for row in definitions) <= 2
    store.close()


def test_demo_companies_are_varied():
    store = _seeded()

    companies = _rows(store, "companies", DEMO_WORKSPACE_ID)

    domains = [row["domain"] for row in companies if row["domain"]]
    assert len(companies) >= 20
    assert len(domains) == len(set(domains))
    assert len({row["industry"] for row in companies}) > 5
    assert len({row["size"] for row in companies}) > 3
    assert any(orjson.loads(row["tags"]) for row in companies)
    assert any(orjson.loads(row["custom_fields"]) for row in companies)
    store.close()


def test_demo_contacts_are_varied():
    store = _seeded()

    contacts = _rows(store, "contacts", DEMO_WORKSPACE_ID)

    fields = [orjson.loads(row["custom_fields"]) for row in contacts]
    created = [row["created_at"] for row in contacts]
    assert len(contacts) >= 200
    assert len(set(created)) == len(created)
    assert sum(bool(values) for values in fields) > len(contacts) * 0.8
    assert any(not values for values in fields)
    assert 0 < sum("legacy_id" in values for values in fields) < 10
    assert 0 < sum(row["company_id"] is None for row in contacts) < len(contacts) / 2
    assert len(Counter(row["source"] for row in contacts)) > 4
    assert len({tag for row in contacts for tag in orjson.loads(row["tags"])}) > 4
    store.close()


def test_demo_values_fit_their_definitions():
    store = _seeded()
    definitions = {
        (row["entity_type"], row["slug"]): row
        for row in _rows(store, "custom_field_definitions", DEMO_WORKSPACE_ID)
    }

    for table, entity_type in (("contacts", "contact"), ("companies", "company")):
        for row in _rows(store, table, DEMO_WORKSPACE_ID):
            for slug, value in orjson.loads(row["custom_fields"]).items():
                definition = definitions.get((entity_type, slug))
                if definition is None:
                    assert slug == "legacy_id"
                    continue
                options = orjson.loads(definition["options"] or "null")
                problem = value_problem(
                    field_type=definition["field_type"], options=options, value=value
                )
                assert problem is None, (slug, value)
    store.close()


def test_other_workspace_shares_some_emails():
    store = _seeded()

    demo = {row["email_key"] for row in _rows(store, "contacts", DEMO_WORKSPACE_ID)}
    other = [row["email_key"] for row in _rows(store, "contacts", OTHER_WORKSPACE_ID)]

    assert 3 <= len(other) <= 10
    assert 0 < len(demo.intersection(other)) < len(other)
    assert _rows(store, "custom_field_definitions", OTHER_WORKSPACE_ID)
    store.close()


async def test_app_without_seed_has_empty_workspaces():
    app = create_app(SandboxSettings(seed=False))
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, headers=DEMO_AUTH) as client:
        response = await client.get("http://sandbox/v1/contacts")

    assert response.status_code == 200
    assert data_of(response) == []
    app.state.sandbox.store.close()


async def test_file_database_persists_without_reseeding(tmp_path: Path):
    settings = SandboxSettings(database=str(tmp_path / "sandbox.sqlite3"))
    for round_number in range(2):
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://sandbox", headers=DEMO_AUTH
        ) as client:
            if round_number == 0:
                await client.post("/v1/contacts", json={"email": "kept@x.test"})
            contacts = await collect(client, "/v1/contacts", limit=100)
        app.state.sandbox.store.close()

    assert len(contacts) == 241
    assert contacts[0]["email"] == "kept@x.test"
