"""Contract tests for `/v1/custom-fields` and `/v1/custom-fields/{id}`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.definitions import derive_slug
from sandbox.field_types import FIELD_TYPES
from tests.sandbox.helpers import collect, data_of, error_of


async def _definition(client: httpx.AsyncClient, slug: str) -> dict[str, Any]:
    definitions = await collect(client, "/v1/custom-fields", limit=100)
    return next(d for d in definitions if d["slug"] == slug)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        pytest.param("Plan", "plan", id="word"),
        pytest.param("Renewal Date!", "renewal_date", id="punctuation"),
        pytest.param("  --Lead   Score--  ", "lead_score", id="outer-runs"),
        pytest.param("2nd Phone", "f_2nd_phone", id="leading-digit"),
        pytest.param("Größe", "gr_e", id="non-ascii"),
        pytest.param("!!!", "f_", id="nothing-left"),
        pytest.param("a" * 150, "a" * 100, id="truncated"),
    ],
)
def test_derive_slug_follows_documented_rules(name: str, slug: str):
    assert derive_slug(name) == slug


async def test_list_definitions_filters_by_entity_type(client: httpx.AsyncClient):
    contact = await collect(client, "/v1/custom-fields", entity_type="contact")
    company = await collect(client, "/v1/custom-fields", entity_type="company")
    deal = await collect(client, "/v1/custom-fields", entity_type="deal")

    assert sorted(d["field_type"] for d in contact) == sorted(FIELD_TYPES)
    assert {d["entity_type"] for d in company} == {"company"}
    assert len(company) == 2
    assert deal == []


async def test_list_definitions_rejects_unknown_entity_type(
    client: httpx.AsyncClient,
):
    response = await client.get("/v1/custom-fields", params={"entity_type": "deals"})

    assert error_of(response)["details"] == [
        {
            "field": "entity_type",
            "message": "Expected one of contact, company, deal, activity",
        }
    ]


async def test_create_definition_derives_slug_and_defaults(
    client: httpx.AsyncClient,
):
    body = {"entity_type": "deal", "name": "Renewal Date", "field_type": "date"}

    response = await client.post("/v1/custom-fields", json=body)

    definition = data_of(response)
    attributes = definition["attributes"]
    assert response.status_code == 201
    assert definition["type"] == "custom_field_definition"
    assert definition["id"].startswith("cf_")
    assert attributes == body | {
        "id": definition["id"],
        "slug": "renewal_date",
        "description": None,
        "is_required": False,
        "options": None,
        "display_order": 0,
        "created_at": attributes["created_at"],
        "updated_at": attributes["created_at"],
    }


async def test_create_definition_keeps_given_fields(client: httpx.AsyncClient):
    body = {
        "entity_type": "company",
        "name": "Plan",
        "slug": "plan_v2",
        "field_type": "multi_select",
        "description": "Plans bought",
        "options": ["free", "pro"],
        "is_required": True,
        "display_order": -3,
    }

    response = await client.post("/v1/custom-fields", json=body)

    attributes = data_of(response)["attributes"]
    assert {key: attributes[key] for key in body} == body


async def test_create_definition_reports_missing_and_bad_fields(
    client: httpx.AsyncClient,
):
    response = await client.post(
        "/v1/custom-fields",
        json={"slug": "Bad-Slug", "is_required": "yes", "display_order": 1.5},
    )

    assert error_of(response)["details"] == [
        {
            "field": "slug",
            "message": "Must match ^[a-z][a-z0-9_]*$ and be at most 100 characters",
        },
        {"field": "is_required", "message": "Expected boolean, received string"},
        {"field": "display_order", "message": "Expected integer, received number"},
        {"field": "entity_type", "message": "Required"},
        {"field": "name", "message": "Required"},
        {"field": "field_type", "message": "Required"},
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(
            {"field_type": "select"},
            "Required for select and multi_select fields",
            id="select-without",
        ),
        pytest.param(
            {"field_type": "multi_select", "options": None},
            "Required for select and multi_select fields",
            id="multi-null",
        ),
        pytest.param(
            {"field_type": "select", "options": []},
            "Array must contain at least 1 element(s)",
            id="empty",
        ),
        pytest.param(
            {"field_type": "select", "options": ["a", "a"]},
            "Array elements must be unique",
            id="repeated",
        ),
        pytest.param(
            {"field_type": "text", "options": ["a"]},
            "Only allowed for select and multi_select fields",
            id="text-with",
        ),
    ],
)
async def test_create_definition_checks_options(
    client: httpx.AsyncClient, extra: dict[str, Any], message: str
):
    body = {"entity_type": "contact", "name": "Choice"} | extra

    response = await client.post("/v1/custom-fields", json=body)

    assert error_of(response)["details"] == [{"field": "options", "message": message}]


async def test_create_definition_rejects_unknown_enums(client: httpx.AsyncClient):
    body = {"entity_type": "contacts", "name": "X", "field_type": "string"}

    response = await client.post("/v1/custom-fields", json=body)

    assert error_of(response)["details"] == [
        {
            "field": "entity_type",
            "message": "Invalid enum value. Expected 'contact' | 'company' | "
            "'deal' | 'activity', received 'contacts'",
        },
        {
            "field": "field_type",
            "message": "Invalid enum value. Expected 'text' | 'number' | 'boolean'"
            " | 'date' | 'select' | 'multi_select' | 'url' | 'email' | 'phone',"
            " received 'string'",
        },
    ]


async def test_create_definition_with_taken_slug_conflicts(
    client: httpx.AsyncClient,
):
    body = {"entity_type": "contact", "name": "Tier", "field_type": "text"}

    clash = await client.post("/v1/custom-fields", json=body)
    other_type = await client.post(
        "/v1/custom-fields", json=body | {"entity_type": "company"}
    )

    assert clash.status_code == 409
    assert error_of(clash) == {
        "code": "CONFLICT",
        "message": "A custom field with slug 'tier' already exists "
        "for entity type 'contact'",
    }
    assert other_type.status_code == 201


async def test_patch_definition_changes_mutable_fields(client: httpx.AsyncClient):
    tier = await _definition(client, "tier")
    changes = {
        "name": "Loyalty tier",
        "description": "From the loyalty program",
        "options": ["silver", "gold"],
        "is_required": True,
        "display_order": 1,
    }

    response = await client.patch(f"/v1/custom-fields/{tier['id']}", json=changes)

    patched = data_of(response)["attributes"]
    assert patched == tier | changes | {"updated_at": patched["updated_at"]}
    assert patched["updated_at"] > tier["updated_at"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"slug": "tier"}, "slug", id="slug"),
        pytest.param({"entity_type": "contact"}, "entity_type", id="entity-type"),
        pytest.param({"field_type": "select"}, "field_type", id="field-type"),
    ],
)
async def test_patch_definition_refuses_immutable_fields(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
):
    tier = await _definition(client, "tier")

    response = await client.patch(f"/v1/custom-fields/{tier['id']}", json=body)

    assert error_of(response)["details"] == [
        {"field": field, "message": "Cannot be changed after creation"}
    ]


async def test_patch_definition_checks_options_against_type(
    client: httpx.AsyncClient,
):
    tier = await _definition(client, "tier")
    nickname = await _definition(client, "nickname")

    cleared = await client.patch(
        f"/v1/custom-fields/{tier['id']}", json={"options": None}
    )
    added = await client.patch(
        f"/v1/custom-fields/{nickname['id']}", json={"options": ["a"]}
    )
    nulled = await client.patch(
        f"/v1/custom-fields/{nickname['id']}", json={"options": None}
    )

    assert error_of(cleared)["details"][0]["field"] == "options"
    assert error_of(added)["details"][0]["field"] == "options"
    assert nulled.status_code == 200


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
async def test_unknown_definition_is_not_found(client: httpx.AsyncClient, method: str):
    response = await client.request(method, "/v1/custom-fields/cfd_x", json={})

    assert error_of(response) == {
        "code": "NOT_FOUND",
        "message": "Custom field definition not found",
    }


async def test_delete_definition_removes_its_values(client: httpx.AsyncClient):
    tier = await _definition(client, "tier")
    segment = await _definition(client, "segment")
    created = await client.post(
        "/v1/contacts", json={"custom_fields": {"tier": "gold", "segment": "smb"}}
    )
    contact = data_of(created)["attributes"]

    await client.delete(f"/v1/custom-fields/{tier['id']}")
    await client.delete(f"/v1/custom-fields/{segment['id']}")

    contacts = await collect(client, "/v1/contacts", limit=100)
    after = data_of(await client.get(f"/v1/contacts/{contact['id']}"))["attributes"]
    assert not any("tier" in c["custom_fields"] for c in contacts)
    assert after["custom_fields"] == {"segment": "smb"}
    assert after["updated_at"] == contact["updated_at"]
    assert (await client.get(f"/v1/custom-fields/{tier['id']}")).status_code == 404
