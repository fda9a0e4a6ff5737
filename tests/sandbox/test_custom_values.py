"""Contract tests for `/v1/{entity_type}/{entity_id}/custom-fields`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import collect, data_of, error_of


async def _contact(client: httpx.AsyncClient) -> dict[str, Any]:
    """The newest seeded contact, whose values include a key with no definition."""
    contact = data_of(await client.get("/v1/contacts", params={"limit": 1}))[0]
    attributes: dict[str, Any] = contact["attributes"]
    return attributes


async def test_get_values_lists_defined_values_in_display_order(
    client: httpx.AsyncClient,
):
    contact = await _contact(client)
    definitions = await collect(
        client,
        "/v1/custom-fields",
        entity_type="contact",
        sort="display_order",
    )

    response = await client.get(f"/v1/contacts/{contact['id']}/custom-fields")

    body = response.json()
    expected = [d for d in definitions if d["slug"] in contact["custom_fields"]]
    assert response.status_code == 200
    assert set(body["meta"]) == {"request_id"}
    assert "legacy_id" in contact["custom_fields"]
    assert [item["type"] for item in body["data"]] == ["custom_field_value"] * len(
        expected
    )
    assert [item["attributes"] for item in body["data"]] == [
        {
            "id": item["id"],
            "field_definition_id": definition["id"],
            "slug": definition["slug"],
            "name": definition["name"],
            "field_type": definition["field_type"],
            "value": contact["custom_fields"][definition["slug"]],
        }
        for item, definition in zip(body["data"], expected, strict=True)
    ]


async def test_value_ids_are_stable(client: httpx.AsyncClient):
    contact = await _contact(client)
    path = f"/v1/contacts/{contact['id']}/custom-fields"

    first = data_of(await client.get(path))
    second = data_of(await client.put(path, json={"fields": {"tier": "gold"}}))

    ids = {item["attributes"]["slug"]: item["id"] for item in first}
    assert all(item["id"].startswith("cfv_") for item in second)
    assert all(
        ids.get(item["attributes"]["slug"], item["id"]) == item["id"] for item in second
    )


async def test_put_values_merges_and_removes(client: httpx.AsyncClient):
    created = await client.post(
        "/v1/contacts",
        json={"custom_fields": {"lead_score": 10, "nickname": "Mo", "extra": 1}},
    )
    contact = data_of(created)["attributes"]
    path = f"/v1/contacts/{contact['id']}/custom-fields"

    response = await client.put(
        path, json={"fields": {"tier": "gold", "lead_score": None, "interests": []}}
    )

    values = {
        item["attributes"]["slug"]: item["attributes"]["value"]
        for item in data_of(response)
    }
    after = data_of(await client.get(f"/v1/contacts/{contact['id']}"))["attributes"]
    assert values == {"nickname": "Mo", "tier": "gold", "interests": []}
    assert after["custom_fields"] == values | {"extra": 1}
    assert data_of(await client.get(path)) == data_of(response)


async def test_put_values_bumps_updated_at(client: httpx.AsyncClient):
    contact = await _contact(client)
    path = f"/v1/contacts/{contact['id']}/custom-fields"

    await client.put(path, json={"fields": {}})
    unchanged = data_of(await client.get(f"/v1/contacts/{contact['id']}"))
    await client.put(path, json={"fields": {"nickname": "Ace"}})
    changed = data_of(await client.get(f"/v1/contacts/{contact['id']}"))

    assert unchanged["attributes"]["updated_at"] == contact["updated_at"]
    assert changed["attributes"]["updated_at"] > contact["updated_at"]


async def test_put_values_on_company(client: httpx.AsyncClient):
    company = data_of(await client.post("/v1/companies", json={"name": "Acme"}))
    path = f"/v1/companies/{company['id']}/custom-fields"

    response = await client.put(path, json={"fields": {"segment": "smb"}})

    assert [v["attributes"]["value"] for v in data_of(response)] == ["smb"]


async def test_put_values_reports_every_bad_field(client: httpx.AsyncClient):
    contact = await _contact(client)
    fields = {
        "lead_score": "99",
        "legacy_id": "L-1",
        "segment": "smb",
        "last_contacted": "yesterday",
        "tier": None,
    }

    response = await client.put(
        f"/v1/contacts/{contact['id']}/custom-fields", json={"fields": fields}
    )

    assert response.status_code == 400
    assert error_of(response)["details"] == [
        {"field": "fields.lead_score", "message": "Expected number, received string"},
        {"field": "fields.legacy_id", "message": "Unknown custom field"},
        {"field": "fields.segment", "message": "Unknown custom field"},
        {
            "field": "fields.last_contacted",
            "message": "Invalid date; expected a calendar date as YYYY-MM-DD",
        },
    ]


@pytest.mark.parametrize(
    ("body", "details"),
    [
        pytest.param({}, [{"field": "fields", "message": "Required"}], id="missing"),
        pytest.param(
            {"fields": []},
            [{"field": "fields", "message": "Expected object, received array"}],
            id="array",
        ),
        pytest.param(
            {"fields": {}, "extra": 1},
            [{"field": "extra", "message": "Unrecognized field"}],
            id="extra",
        ),
    ],
)
async def test_put_values_checks_body_shape(
    client: httpx.AsyncClient, body: dict[str, Any], details: list[dict[str, str]]
):
    contact = await _contact(client)

    response = await client.put(
        f"/v1/contacts/{contact['id']}/custom-fields", json=body
    )

    assert error_of(response)["details"] == details


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param(
            "/v1/contacts/ct_missing/custom-fields", "Contact not found", id="contact"
        ),
        pytest.param(
            "/v1/companies/ct_x/custom-fields", "Company not found", id="company"
        ),
        pytest.param("/v1/deals/dl_x/custom-fields", "Deal not found", id="deal"),
        pytest.param(
            "/v1/activities/act_x/custom-fields", "Activity not found", id="activity"
        ),
        pytest.param(
            "/v1/people/ct_x/custom-fields", "Route not found", id="unknown-type"
        ),
        pytest.param(
            "/v1/contact/ct_x/custom-fields", "Route not found", id="singular-type"
        ),
    ],
)
@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_values_of_unknown_entity_are_not_found(
    client: httpx.AsyncClient, path: str, message: str, method: str
):
    response = await client.request(method, path, json={"fields": {}})

    assert response.status_code == 404
    assert error_of(response) == {"code": "NOT_FOUND", "message": message}
