"""Contract tests for `/v1/companies` and `/v1/companies/{id}`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import collect, data_of, error_of


async def _company_with_contacts(client: httpx.AsyncClient) -> dict[str, Any]:
    contact = data_of(await client.get("/v1/contacts", params={"limit": 1}))[0]
    company_id = contact["attributes"]["company_id"]
    attributes: dict[str, Any] = data_of(
        await client.get(f"/v1/companies/{company_id}")
    )["attributes"]
    return attributes


async def test_create_company_fills_defaults(client: httpx.AsyncClient):
    response = await client.post("/v1/companies", json={"name": "Lakeside Bakery"})

    company = data_of(response)
    assert response.status_code == 201
    assert company["type"] == "company"
    assert company["attributes"] == {
        "id": company["id"],
        "name": "Lakeside Bakery",
        "domain": None,
        "industry": None,
        "size": None,
        "custom_fields": {},
        "tags": [],
        "created_at": company["attributes"]["created_at"],
        "updated_at": company["attributes"]["created_at"],
    }


async def test_create_company_requires_name(client: httpx.AsyncClient):
    response = await client.post(
        "/v1/companies", json={"domain": "d" * 256, "size": 50}
    )

    assert response.status_code == 400
    assert error_of(response)["details"] == [
        {"field": "domain", "message": "String must contain at most 255 character(s)"},
        {"field": "size", "message": "Expected string, received number"},
        {"field": "name", "message": "Required"},
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"name": None}, "Expected string, received null", id="null"),
        pytest.param(
            {"name": ""}, "String must contain at least 1 character(s)", id="empty"
        ),
        pytest.param(
            {"name": "n" * 201},
            "String must contain at most 200 character(s)",
            id="long",
        ),
    ],
)
async def test_company_name_must_be_a_string(
    client: httpx.AsyncClient, body: dict[str, Any], message: str
):
    company = await _company_with_contacts(client)

    created = await client.post("/v1/companies", json=body)
    patched = await client.patch(f"/v1/companies/{company['id']}", json=body)

    expected = [{"field": "name", "message": message}]
    assert error_of(created)["details"] == expected
    assert error_of(patched)["details"] == expected


async def test_company_custom_fields_are_type_checked(client: httpx.AsyncClient):
    body = {"name": "X", "custom_fields": {"annual_revenue": "lots"}}

    response = await client.post("/v1/companies", json=body)

    assert error_of(response)["details"] == [
        {
            "field": "custom_fields.annual_revenue",
            "message": "Expected number, received string",
        }
    ]


async def test_create_company_with_taken_domain_conflicts(
    client: httpx.AsyncClient,
):
    response = await client.post(
        "/v1/companies", json={"name": "Copy", "domain": "HarborFW.test"}
    )

    assert response.status_code == 409
    assert error_of(response) == {
        "code": "CONFLICT",
        "message": "A company with domain 'HarborFW.test' "
        "already exists in this workspace",
    }


async def test_patch_company_domain_conflict_and_self(client: httpx.AsyncClient):
    company = await _company_with_contacts(client)
    own, other = company["domain"], "harborfw.test"
    if own == other:
        other = "northwind.test"

    same = await client.patch(
        f"/v1/companies/{company['id']}", json={"domain": own.upper()}
    )
    clash = await client.patch(f"/v1/companies/{company['id']}", json={"domain": other})

    assert same.status_code == 200
    assert clash.status_code == 409


async def test_patch_company_merges_and_clears(client: httpx.AsyncClient):
    company = await _company_with_contacts(client)

    response = await client.patch(
        f"/v1/companies/{company['id']}",
        json={"industry": None, "custom_fields": {"segment": None, "owner": "kim"}},
    )

    patched = data_of(response)["attributes"]
    expected_fields = {k: v for k, v in company["custom_fields"].items()}
    expected_fields.pop("segment", None)
    assert patched["industry"] is None
    assert patched["custom_fields"] == expected_fields | {"owner": "kim"}
    assert patched["updated_at"] > company["updated_at"]
    assert patched["name"] == company["name"]


async def test_get_company_includes_contacts_and_count(client: httpx.AsyncClient):
    company = await _company_with_contacts(client)
    expected = await collect(
        client, "/v1/contacts", company_id=company["id"], limit=100
    )

    response = await client.get(
        f"/v1/companies/{company['id']}",
        params={"include": "contacts,contact_count"},
    )

    attributes = data_of(response)["attributes"]
    assert attributes["contact_count"] == len(expected) > 0
    assert attributes["contacts"] == expected
    assert attributes == company | {
        "contacts": expected,
        "contact_count": len(expected),
    }


async def test_get_company_embeds_at_most_100_contacts(client: httpx.AsyncClient):
    company = data_of(await client.post("/v1/companies", json={"name": "Big"}))
    for _ in range(101):
        await client.post("/v1/contacts", json={"company_id": company["id"]})

    response = await client.get(
        f"/v1/companies/{company['id']}",
        params={"include": "contact_count,contacts"},
    )

    attributes = data_of(response)["attributes"]
    assert attributes["contact_count"] == 101
    assert len(attributes["contacts"]) == 100


async def test_get_company_with_unknown_include_is_rejected(
    client: httpx.AsyncClient,
):
    company = await _company_with_contacts(client)

    response = await client.get(
        f"/v1/companies/{company['id']}", params={"include": "company"}
    )

    assert error_of(response)["details"] == [
        {
            "field": "include",
            "message": "Invalid include 'company'; allowed: contacts, contact_count",
        }
    ]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_unknown_company_is_not_found(client: httpx.AsyncClient, method: str):
    response = await client.request(method, "/v1/companies/ct_x", json={})

    assert response.status_code == 404
    assert error_of(response) == {"code": "NOT_FOUND", "message": "Company not found"}


async def test_delete_company_unlinks_its_contacts(client: httpx.AsyncClient):
    company = await _company_with_contacts(client)
    linked = await collect(client, "/v1/contacts", company_id=company["id"])

    response = await client.delete(f"/v1/companies/{company['id']}")

    assert response.status_code == 204
    for contact in linked:
        after = data_of(await client.get(f"/v1/contacts/{contact['id']}"))
        assert after["attributes"]["company_id"] is None
        assert after["attributes"]["updated_at"] > contact["updated_at"]
    assert (await client.get(f"/v1/companies/{company['id']}")).status_code == 404
