"""Authentication and workspace isolation."""

from __future__ import annotations

import httpx
import pytest

from sandbox import DEMO_API_KEY
from tests.sandbox.helpers import collect, data_of, error_of


async def test_missing_authorization_is_missing_auth(anonymous: httpx.AsyncClient):
    response = await anonymous.get("/v1/contacts")

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "MISSING_AUTH",
        "message": "Missing Authorization header",
    }


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Bearer nds_test_unknown", id="unknown-key"),
        pytest.param(f"Basic {DEMO_API_KEY}", id="wrong-scheme"),
        pytest.param("Bearer", id="no-key"),
        pytest.param(DEMO_API_KEY, id="no-scheme"),
    ],
)
async def test_bad_authorization_is_invalid_api_key(
    anonymous: httpx.AsyncClient, header: str
):
    response = await anonymous.get("/v1/companies", headers={"Authorization": header})

    assert response.status_code == 401
    assert error_of(response) == {
        "code": "INVALID_API_KEY",
        "message": "Missing or invalid Authorization header",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/contacts"),
        ("POST", "/v1/contacts"),
        ("GET", "/v1/contacts/ct_x"),
        ("PATCH", "/v1/contacts/ct_x"),
        ("DELETE", "/v1/contacts/ct_x"),
        ("GET", "/v1/companies"),
        ("POST", "/v1/companies"),
        ("GET", "/v1/companies/co_x"),
        ("PATCH", "/v1/companies/co_x"),
        ("DELETE", "/v1/companies/co_x"),
        ("GET", "/v1/custom-fields"),
        ("POST", "/v1/custom-fields"),
        ("GET", "/v1/custom-fields/cf_x"),
        ("PATCH", "/v1/custom-fields/cf_x"),
        ("DELETE", "/v1/custom-fields/cf_x"),
        ("GET", "/v1/contacts/ct_x/custom-fields"),
        ("PUT", "/v1/companies/co_x/custom-fields"),
    ],
)
async def test_every_route_requires_auth(
    anonymous: httpx.AsyncClient, method: str, path: str
):
    response = await anonymous.request(method, path, content=b"not json")

    assert response.status_code == 401
    assert error_of(response)["code"] == "MISSING_AUTH"


async def test_bearer_scheme_is_case_insensitive(anonymous: httpx.AsyncClient):
    headers = {"Authorization": f"bearer {DEMO_API_KEY}"}

    response = await anonymous.get("/v1/custom-fields", headers=headers)

    assert response.status_code == 200


async def test_auth_is_checked_before_not_found(anonymous: httpx.AsyncClient):
    response = await anonymous.get("/v1/contacts/ct_missing")

    assert response.status_code == 401


async def test_workspaces_see_only_their_records(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
):
    demo = await collect(client, "/v1/contacts", limit=100)
    other = await collect(other_client, "/v1/contacts", limit=100)

    assert len(demo) == 240
    assert len(other) == 6
    assert not {c["id"] for c in demo} & {c["id"] for c in other}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/contacts/{contact}", id="contact"),
        pytest.param("/v1/companies/{company}", id="company"),
        pytest.param("/v1/custom-fields/{definition}", id="definition"),
        pytest.param("/v1/contacts/{contact}/custom-fields", id="values"),
    ],
)
async def test_other_workspace_ids_are_not_found(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, path: str
):
    ids = {
        "contact": data_of(await other_client.get("/v1/contacts"))[0]["id"],
        "company": data_of(await other_client.get("/v1/companies"))[0]["id"],
        "definition": data_of(await other_client.get("/v1/custom-fields"))[0]["id"],
    }

    response = await client.get(path.format(**ids))

    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"


async def test_other_workspace_ids_cannot_be_changed(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
):
    contact = data_of(await other_client.get("/v1/contacts"))[0]

    patched = await client.patch(f"/v1/contacts/{contact['id']}", json={"title": "x"})
    deleted = await client.delete(f"/v1/contacts/{contact['id']}")
    after = await other_client.get(f"/v1/contacts/{contact['id']}")

    assert (patched.status_code, deleted.status_code) == (404, 404)
    assert data_of(after) == contact


async def test_uniqueness_is_per_workspace(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
):
    demo = await collect(client, "/v1/contacts", limit=100)
    other = await collect(other_client, "/v1/contacts", limit=100)
    other_emails = {c["email"].lower() for c in other if c["email"]}
    emails = [c["email"] for c in demo if c["email"]]
    free = next(email for email in emails if email.lower() not in other_emails)

    response = await other_client.post("/v1/contacts", json={"email": free})
    matches = await client.get("/v1/contacts", params={"email": free})

    assert response.status_code == 201
    assert [c["attributes"]["email"] for c in data_of(matches)] == [free]


async def test_company_id_from_other_workspace_is_unprocessable(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
):
    company = data_of(await other_client.get("/v1/companies"))[0]

    response = await client.post("/v1/contacts", json={"company_id": company["id"]})

    assert response.status_code == 422
