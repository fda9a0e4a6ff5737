"""Contract tests for `/v1/contacts` and `/v1/contacts/{id}`."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import data_of, error_of

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


async def _newest_contact(client: httpx.AsyncClient) -> dict[str, Any]:
    """The newest seeded contact: it has a company, custom fields and tags."""
    response = await client.get("/v1/contacts", params={"limit": 1})
    attributes: dict[str, Any] = data_of(response)[0]["attributes"]
    return attributes


async def test_create_contact_with_empty_body_fills_defaults(
    client: httpx.AsyncClient,
):
    response = await client.post("/v1/contacts", json={})

    assert response.status_code == 201
    contact = data_of(response)["attributes"]
    assert re.fullmatch(r"ct_[A-Za-z0-9]{21}", contact["id"])
    assert TIMESTAMP.fullmatch(contact["created_at"])
    assert contact["updated_at"] == contact["created_at"]
    assert contact == {
        "id": contact["id"],
        "email": None,
        "first_name": None,
        "last_name": None,
        "phone": None,
        "company_id": None,
        "title": None,
        "source": None,
        "custom_fields": {},
        "tags": [],
        "created_at": contact["created_at"],
        "updated_at": contact["created_at"],
    }


async def test_create_contact_stores_every_field(client: httpx.AsyncClient):
    company = data_of(await client.get("/v1/companies", params={"limit": 1}))[0]
    body = {
        "email": "mara@northwind.test",
        "first_name": "Mara",
        "last_name": "Lindqvist",
        "phone": "+1-555-0100",
        "company_id": company["id"],
        "title": "Head of Ops",
        "source": "api",
        "custom_fields": {"tier": "gold", "linkedin_handle": {"any": ["json"]}},
        "tags": ["vip", "beta", "vip"],
    }

    created = data_of(await client.post("/v1/contacts", json=body))["attributes"]
    fetched = data_of(await client.get(f"/v1/contacts/{created['id']}"))

    assert created == fetched["attributes"]
    assert {k: created[k] for k in body} == body | {"tags": ["vip", "beta"]}


async def test_create_contact_reports_every_bad_field(client: httpx.AsyncClient):
    body = {
        "email": "not-an-email",
        "first_name": 5,
        "last_name": "x" * 101,
        "tags": ["ok", "y" * 51],
        "custom_fields": {"lead_score": "high", "tier": "diamond", "legacy": 1},
        "nickname": "Mo",
    }

    response = await client.post("/v1/contacts", json=body)

    assert response.status_code == 400
    assert error_of(response) == {
        "code": "VALIDATION_ERROR",
        "message": "Request validation failed",
        "details": [
            {"field": "email", "message": "Invalid email"},
            {"field": "first_name", "message": "Expected string, received number"},
            {
                "field": "last_name",
                "message": "String must contain at most 100 character(s)",
            },
            {
                "field": "tags",
                "message": "Element 1: String must contain at most 50 character(s)",
            },
            {"field": "nickname", "message": "Unrecognized field"},
            {
                "field": "custom_fields.lead_score",
                "message": "Expected number, received string",
            },
            {
                "field": "custom_fields.tier",
                "message": "Invalid option; expected one of "
                "'bronze', 'silver', 'gold', 'platinum'",
            },
        ],
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        pytest.param(
            {"tags": ["t"] * 21},
            "tags",
            "Array must contain at most 20 element(s)",
            id="too-many-tags",
        ),
        pytest.param(
            {"tags": None}, "tags", "Expected array, received null", id="tags-null"
        ),
        pytest.param(
            {"tags": [""]},
            "tags",
            "Element 0: String must contain at least 1 character(s)",
            id="empty-tag",
        ),
        pytest.param(
            {"tags": [1]},
            "tags",
            "Element 0: Expected string, received number",
            id="tag-number",
        ),
        pytest.param(
            {"custom_fields": []},
            "custom_fields",
            "Expected object, received array",
            id="custom-fields-array",
        ),
        pytest.param(
            {"custom_fields": None},
            "custom_fields",
            "Expected object, received null",
            id="custom-fields-null",
        ),
        pytest.param(
            {"phone": "1" * 51},
            "phone",
            "String must contain at most 50 character(s)",
            id="phone-long",
        ),
        pytest.param(
            {"title": "t" * 201},
            "title",
            "String must contain at most 200 character(s)",
            id="title-long",
        ),
        pytest.param(
            {"source": True},
            "source",
            "Expected string, received boolean",
            id="source-bool",
        ),
        pytest.param(
            {"company_id": 7},
            "company_id",
            "Expected string, received number",
            id="company-id-number",
        ),
        pytest.param({"email": "a@b"}, "email", "Invalid email", id="email-no-dot"),
        pytest.param(
            {"email": ["a@b.test"]},
            "email",
            "Expected string, received array",
            id="email-array",
        ),
    ],
)
async def test_create_contact_rejects_bad_value(
    client: httpx.AsyncClient, body: dict[str, Any], field: str, message: str
):
    response = await client.post("/v1/contacts", json=body)

    assert response.status_code == 400
    assert error_of(response)["details"] == [{"field": field, "message": message}]


async def test_create_contact_refuses_too_deep_custom_values(
    client: httpx.AsyncClient,
):
    nested: object = "leaf"
    for _ in range(300):
        nested = [nested]

    response = await client.post("/v1/contacts", json={"custom_fields": {"x": nested}})

    assert error_of(response)["details"] == [
        {"field": "custom_fields", "message": "Object is nested too deeply"}
    ]


async def test_create_contact_with_taken_email_conflicts(client: httpx.AsyncClient):
    existing = await _newest_contact(client)

    response = await client.post(
        "/v1/contacts", json={"email": existing["email"].upper()}
    )

    assert response.status_code == 409
    assert error_of(response) == {
        "code": "CONFLICT",
        "message": f"A contact with email '{existing['email'].upper()}' "
        "already exists in this workspace",
    }


async def test_null_emails_never_conflict(client: httpx.AsyncClient):
    first = await client.post("/v1/contacts", json={"email": None})
    second = await client.post("/v1/contacts", json={"email": None})

    assert (first.status_code, second.status_code) == (201, 201)


async def test_create_contact_with_unknown_company_is_unprocessable(
    client: httpx.AsyncClient,
):
    response = await client.post("/v1/contacts", json={"company_id": "co_nope"})

    message = "Company 'co_nope' does not exist in this workspace"
    assert response.status_code == 422
    assert error_of(response) == {
        "code": "UNPROCESSABLE_ENTITY",
        "message": message,
        "details": [{"field": "company_id", "message": message}],
    }


async def test_validation_comes_before_unknown_company(client: httpx.AsyncClient):
    body = {"company_id": "co_nope", "email": "bad"}

    response = await client.post("/v1/contacts", json=body)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "contact_id",
    [
        pytest.param("ct_AAAAAAAAAAAAAAAAAAAAA", id="unknown"),
        pytest.param("co_AAAAAAAAAAAAAAAAAAAAA", id="wrong-prefix"),
        pytest.param("anything", id="no-prefix"),
    ],
)
async def test_get_unknown_contact_is_not_found(
    client: httpx.AsyncClient, contact_id: str
):
    response = await client.get(f"/v1/contacts/{contact_id}")

    assert response.status_code == 404
    assert error_of(response) == {"code": "NOT_FOUND", "message": "Contact not found"}


async def test_get_contact_includes_company(client: httpx.AsyncClient):
    contact = await _newest_contact(client)
    company = data_of(await client.get(f"/v1/companies/{contact['company_id']}"))

    response = await client.get(
        f"/v1/contacts/{contact['id']}", params={"include": "company"}
    )

    assert data_of(response)["attributes"] == contact | {
        "company": company["attributes"]
    }


async def test_get_contact_with_empty_include_adds_nothing(
    client: httpx.AsyncClient,
):
    contact = await _newest_contact(client)

    response = await client.get(f"/v1/contacts/{contact['id']}", params={"include": ""})

    assert data_of(response)["attributes"] == contact


async def test_get_contact_includes_null_company(client: httpx.AsyncClient):
    created = data_of(await client.post("/v1/contacts", json={}))

    response = await client.get(
        f"/v1/contacts/{created['id']}", params={"include": "company"}
    )

    assert data_of(response)["attributes"]["company"] is None


async def test_get_contact_with_unknown_include_is_rejected(
    client: httpx.AsyncClient,
):
    contact = await _newest_contact(client)

    response = await client.get(
        f"/v1/contacts/{contact['id']}", params={"include": "company,deals"}
    )

    assert response.status_code == 400
    assert error_of(response)["details"] == [
        {"field": "include", "message": "Invalid include 'deals'; allowed: company"}
    ]


async def test_patch_contact_changes_only_sent_fields(client: httpx.AsyncClient):
    contact = await _newest_contact(client)

    response = await client.patch(
        f"/v1/contacts/{contact['id']}",
        json={"title": "CEO", "phone": None, "tags": ["partner"]},
    )

    patched = data_of(response)["attributes"]
    assert response.status_code == 200
    assert patched["updated_at"] > contact["updated_at"]
    assert patched == contact | {
        "title": "CEO",
        "phone": None,
        "tags": ["partner"],
        "updated_at": patched["updated_at"],
    }


async def test_patch_contact_merges_custom_fields(client: httpx.AsyncClient):
    contact = await _newest_contact(client)
    current = contact["custom_fields"]

    response = await client.patch(
        f"/v1/contacts/{contact['id']}",
        json={"custom_fields": {"tier": "gold", "legacy_id": None, "x": [1]}},
    )

    expected = {k: v for k, v in current.items() if k != "legacy_id"}
    assert "legacy_id" in current
    assert data_of(response)["attributes"]["custom_fields"] == expected | {
        "tier": "gold",
        "x": [1],
    }


async def test_patch_contact_keeps_own_email_in_other_case(
    client: httpx.AsyncClient,
):
    contact = await _newest_contact(client)

    response = await client.patch(
        f"/v1/contacts/{contact['id']}", json={"email": contact["email"].lower()}
    )

    assert response.status_code == 200


async def test_patch_contact_to_taken_email_conflicts(client: httpx.AsyncClient):
    contacts = data_of(await client.get("/v1/contacts", params={"limit": 2}))
    first, second = (c["attributes"] for c in contacts)

    response = await client.patch(
        f"/v1/contacts/{second['id']}", json={"email": first["email"]}
    )

    assert response.status_code == 409


async def test_patch_contact_with_unknown_company_is_unprocessable(
    client: httpx.AsyncClient,
):
    contact = await _newest_contact(client)

    response = await client.patch(
        f"/v1/contacts/{contact['id']}", json={"company_id": "co_missing"}
    )

    assert response.status_code == 422


async def test_patch_contact_with_empty_body_changes_nothing(
    client: httpx.AsyncClient,
):
    contact = await _newest_contact(client)

    response = await client.patch(f"/v1/contacts/{contact['id']}", json={})

    assert data_of(response)["attributes"] == contact


async def test_patch_unknown_contact_is_not_found(client: httpx.AsyncClient):
    response = await client.patch("/v1/contacts/ct_missing", json={"email": "bad"})

    assert response.status_code == 404


async def test_delete_contact_removes_it(client: httpx.AsyncClient):
    contact = await _newest_contact(client)

    deleted = await client.delete(f"/v1/contacts/{contact['id']}")
    again = await client.delete(f"/v1/contacts/{contact['id']}")
    fetched = await client.get(f"/v1/contacts/{contact['id']}")

    assert deleted.status_code == 204
    assert (again.status_code, fetched.status_code) == (404, 404)
