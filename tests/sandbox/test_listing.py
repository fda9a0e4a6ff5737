"""Pagination, sorting and cursors of the list endpoints."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sandbox import SandboxSettings, create_app
from sandbox.listing import encode_cursor
from tests.sandbox.helpers import DEMO_AUTH, collect, data_of, error_of

SORTABLE = "created_at, updated_at, email, first_name, last_name"


def _expected_order(items: list[dict[str, Any]], sort: str) -> list[str]:
    """Ids in `sort` order: NULLs last either way, then `id` ascending."""
    ordered = sorted(items, key=lambda item: item["id"])
    for part in reversed(sort.split(",")):
        field, descending = part.removeprefix("-"), part.startswith("-")
        present = [item for item in ordered if item[field] is not None]
        present.sort(key=lambda item: item[field], reverse=descending)
        ordered = present + [item for item in ordered if item[field] is None]
    return [item["id"] for item in ordered]


def _public(stored: str) -> str:
    """A cursor's stored timestamp as responses show it."""
    return stored[:19] + "Z"


def _decode(cursor: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


@pytest.mark.parametrize(
    ("path", "sort"),
    [
        pytest.param("/v1/contacts", "-created_at", id="contacts-default"),
        pytest.param("/v1/contacts", "last_name,-created_at", id="contacts-last-name"),
        pytest.param("/v1/contacts", "-last_name,email", id="contacts-desc-nulls"),
        pytest.param("/v1/contacts", "first_name", id="contacts-ties"),
        pytest.param("/v1/contacts", "-updated_at", id="contacts-updated"),
        pytest.param("/v1/companies", "domain", id="companies-domain"),
        pytest.param("/v1/companies", "-domain,-name", id="companies-desc"),
        pytest.param("/v1/custom-fields", "display_order", id="definitions-order"),
        pytest.param("/v1/custom-fields", "-display_order,name", id="definitions-desc"),
    ],
)
async def test_paging_yields_every_row_once_in_order(
    client: httpx.AsyncClient, path: str, sort: str
):
    everything = await collect(client, path, limit=100)

    paged = await collect(client, path, limit=7, sort=sort)

    ids = [item["id"] for item in paged]
    assert len(ids) == len(set(ids)) == len(everything)
    assert ids == _expected_order(everything, sort)


async def test_seed_has_nulls_in_sorted_fields(client: httpx.AsyncClient):
    contacts = await collect(client, "/v1/contacts", limit=100)
    companies = await collect(client, "/v1/companies", limit=100)

    for field in ("email", "first_name", "last_name"):
        assert any(contact[field] is None for contact in contacts)
    assert any(company["domain"] is None for company in companies)


async def test_default_page_is_newest_first_with_documented_cursor(
    client: httpx.AsyncClient,
):
    response = await client.get("/v1/contacts")

    body = response.json()
    last = body["data"][-1]["attributes"]
    cursor = _decode(body["meta"]["pagination"]["next_cursor"])
    assert len(body["data"]) == 20
    assert body["meta"]["pagination"]["has_more"] is True
    assert list(cursor) == ["created_at", "id"]
    assert cursor["id"] == last["id"]
    assert _public(cursor["created_at"]) == last["created_at"]


async def test_cursor_carries_every_sort_field(client: httpx.AsyncClient):
    response = await client.get(
        "/v1/contacts", params={"sort": "last_name,-created_at", "limit": 3}
    )

    last = data_of(response)[-1]["attributes"]
    cursor = _decode(response.json()["meta"]["pagination"]["next_cursor"])
    assert list(cursor) == ["last_name", "created_at", "id"]
    assert (cursor["last_name"], cursor["id"]) == (last["last_name"], last["id"])
    assert _public(cursor["created_at"]) == last["created_at"]


async def test_records_of_one_second_keep_creation_order(client: httpx.AsyncClient):
    created = [
        data_of(await client.post("/v1/companies", json={"name": f"Co {n}"}))["id"]
        for n in range(5)
    ]

    newest = data_of(await client.get("/v1/companies", params={"limit": 5}))

    assert [company["id"] for company in newest] == created[::-1]


async def test_last_page_has_no_cursor(client: httpx.AsyncClient):
    full = await client.get("/v1/custom-fields", params={"limit": 11})
    short = await client.get("/v1/custom-fields", params={"limit": 10})

    assert full.json()["meta"]["pagination"] == {
        "next_cursor": None,
        "has_more": False,
    }
    assert short.json()["meta"]["pagination"]["has_more"] is True


async def test_settings_choose_default_limit():
    app = create_app(SandboxSettings(default_limit=25))
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, headers=DEMO_AUTH) as client:
        response = await client.get("http://sandbox/v1/contacts")

    assert len(data_of(response)) == 25
    app.state.sandbox.store.close()


@pytest.mark.parametrize("limit", ["1", "100"])
async def test_limit_accepts_bounds(client: httpx.AsyncClient, limit: str):
    response = await client.get("/v1/contacts", params={"limit": limit})

    assert len(data_of(response)) == int(limit)


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", "", " 5"])
async def test_limit_out_of_range_is_rejected(client: httpx.AsyncClient, limit: str):
    response = await client.get("/v1/companies", params={"limit": limit})

    assert response.status_code == 400
    assert error_of(response)["details"] == [
        {"field": "limit", "message": "Expected an integer between 1 and 100"}
    ]


@pytest.mark.parametrize(
    ("sort", "message"),
    [
        pytest.param(
            "title", f"Invalid sort field 'title'; allowed: {SORTABLE}", id="unknown"
        ),
        pytest.param("id", f"Invalid sort field 'id'; allowed: {SORTABLE}", id="id"),
        pytest.param(
            "email,,last_name",
            f"Invalid sort field ''; allowed: {SORTABLE}",
            id="empty-part",
        ),
        pytest.param(
            "email,-email", "Each sort field may appear only once", id="repeated"
        ),
    ],
)
async def test_sort_with_bad_field_is_rejected(
    client: httpx.AsyncClient, sort: str, message: str
):
    response = await client.get("/v1/contacts", params={"sort": sort})

    assert error_of(response)["details"] == [{"field": "sort", "message": message}]


async def test_bad_limit_and_sort_are_reported_together(client: httpx.AsyncClient):
    response = await client.get(
        "/v1/custom-fields", params={"limit": "0", "sort": "slug"}
    )

    fields = [detail["field"] for detail in error_of(response)["details"]]
    assert fields == ["limit", "sort"]


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not a cursor!", id="not-base64"),
        pytest.param("e30", id="empty-object"),
        pytest.param(encode_cursor({"created_at": "x"}), id="missing-id"),
        pytest.param(
            encode_cursor({"id": "ct_x", "created_at": "x"}), id="wrong-order"
        ),
        pytest.param(encode_cursor({"last_name": "x", "id": "ct_x"}), id="other-sort"),
        pytest.param(
            encode_cursor({"created_at": None, "id": "ct_x"}), id="null-not-nullable"
        ),
        pytest.param(encode_cursor({"created_at": 5, "id": "ct_x"}), id="wrong-type"),
        pytest.param(base64.urlsafe_b64encode(b"[1]").decode(), id="array"),
        pytest.param("w7w", id="not-json"),
        pytest.param("é", id="not-ascii"),
    ],
)
async def test_malformed_cursor_is_rejected(client: httpx.AsyncClient, cursor: str):
    response = await client.get("/v1/contacts", params={"cursor": cursor})

    assert response.status_code == 400
    assert error_of(response)["details"] == [
        {"field": "cursor", "message": "Invalid cursor"}
    ]


async def test_cursor_with_huge_integer_is_rejected(client: httpx.AsyncClient):
    cursor = encode_cursor({"display_order": 2**63, "id": "cf_x"})

    response = await client.get(
        "/v1/custom-fields", params={"sort": "display_order", "cursor": cursor}
    )

    assert response.status_code == 400


async def test_null_cursor_value_resumes_among_nulls(client: httpx.AsyncClient):
    everything = await collect(client, "/v1/contacts", limit=100)
    order = _expected_order(everything, "email")
    nulls = [item for item in everything if item["email"] is None]
    first_null = min(nulls, key=lambda item: item["id"])
    cursor = encode_cursor({"email": None, "id": first_null["id"]})

    rest = await collect(client, "/v1/contacts", sort="email", cursor=cursor, limit=100)

    assert [item["id"] for item in rest] == order[order.index(first_null["id"]) + 1 :]


@pytest.mark.parametrize(
    ("params", "index"),
    [
        pytest.param({}, "contacts_created", id="default"),
        pytest.param({"sort": "-updated_at"}, "contacts_updated", id="updated"),
        pytest.param({"company_id": "co_x"}, "contacts_company", id="company"),
    ],
)
async def test_later_pages_seek_through_an_index(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, str], index: str
):
    field = "updated_at" if "sort" in params else "created_at"
    cursor = encode_cursor({field: "2026-01-15T11:00:00Z", "id": "ct_x"})
    statements: list[str] = []
    connection = app.state.sandbox.store.connection
    connection.set_trace_callback(statements.append)

    await client.get("/v1/contacts", params={**params, "cursor": cursor})

    connection.set_trace_callback(None)
    select = next(s for s in statements if s.startswith("SELECT * FROM contacts"))
    plan = connection.execute(f"EXPLAIN QUERY PLAN {select}").fetchall()
    details = " ".join(str(row["detail"]) for row in plan)
    assert f"SEARCH contacts USING INDEX {index}" in details
    assert "TEMP B-TREE" not in details
