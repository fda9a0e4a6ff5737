"""API key scopes: the seeded restricted keys and each refusal."""

from __future__ import annotations

import httpx
import pytest

from sandbox import CONTACTS_ONLY_API_KEY, DEMO_API_KEY, READ_ONLY_API_KEY
from sandbox.scopes import grants
from tests.sandbox.helpers import data_of, error_of


async def _ids(client: httpx.AsyncClient) -> dict[str, str]:
    contact = data_of(await client.get("/v1/contacts", params={"limit": 1}))[0]
    company = data_of(await client.get("/v1/companies", params={"limit": 1}))[0]
    field = data_of(await client.get("/v1/custom-fields", params={"limit": 1}))[0]
    return {"ct": contact["id"], "co": company["id"], "cf": field["id"]}


def _refused(response: httpx.Response, scope: str) -> bool:
    return response.status_code == 403 and error_of(response) == {
        "code": "INSUFFICIENT_SCOPE",
        "message": f"This API key lacks the '{scope}' scope",
    }


def test_seeded_keys_are_distinct_test_keys():
    keys = {DEMO_API_KEY, READ_ONLY_API_KEY, CONTACTS_ONLY_API_KEY}

    assert len(keys) == 3
    assert all(key.startswith("nds_test_") for key in keys)


async def test_read_only_key_reads_everything(
    client: httpx.AsyncClient, read_only: httpx.AsyncClient
):
    ids = await _ids(client)

    responses = [
        await read_only.get("/v1/contacts"),
        await read_only.get(f"/v1/contacts/{ids['ct']}", params={"include": "company"}),
        await read_only.get(
            f"/v1/companies/{ids['co']}", params={"include": "contact_count"}
        ),
        await read_only.get(f"/v1/custom-fields/{ids['cf']}"),
        await read_only.get(f"/v1/contacts/{ids['ct']}/custom-fields"),
    ]

    assert [r.status_code for r in responses] == [200] * 5


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/v1/contacts", "contacts:write"),
        ("PATCH", "/v1/contacts/{ct}", "contacts:write"),
        ("DELETE", "/v1/contacts/{ct}", "contacts:write"),
        ("POST", "/v1/companies", "companies:write"),
        ("PATCH", "/v1/companies/{co}", "companies:write"),
        ("DELETE", "/v1/companies/{co}", "companies:write"),
        ("POST", "/v1/custom-fields", "custom_fields"),
        ("PATCH", "/v1/custom-fields/{cf}", "custom_fields"),
        ("DELETE", "/v1/custom-fields/{cf}", "custom_fields"),
        ("PUT", "/v1/contacts/{ct}/custom-fields", "custom_fields"),
    ],
)
async def test_read_only_key_cannot_write(
    client: httpx.AsyncClient,
    read_only: httpx.AsyncClient,
    method: str,
    path: str,
    scope: str,
):
    ids = await _ids(client)

    response = await read_only.request(method, path.format(**ids), json={})
    unchanged = await client.get(path.format(**ids)) if "{" in path else None

    assert _refused(response, scope)
    assert unchanged is None or unchanged.status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "scope"),
    [
        ("/v1/companies", {}, "companies:read"),
        ("/v1/companies/{co}", {}, "companies:read"),
        ("/v1/custom-fields", {}, "custom_fields:read"),
        ("/v1/contacts/{ct}/custom-fields", {}, "custom_fields:read"),
        ("/v1/contacts/{ct}", {"include": "company"}, "companies:read"),
        ("/v1/companies/co_missing", {}, "companies:read"),
    ],
)
async def test_contacts_only_key_is_refused_elsewhere(
    client: httpx.AsyncClient,
    contacts_only: httpx.AsyncClient,
    path: str,
    params: dict[str, str],
    scope: str,
):
    ids = await _ids(client)

    response = await contacts_only.get(path.format(**ids), params=params)

    assert _refused(response, scope)


async def test_contacts_only_key_manages_contacts(contacts_only: httpx.AsyncClient):
    created = await contacts_only.post("/v1/contacts", json={"email": "c@x.test"})
    contact_id = data_of(created)["id"]

    updated = await contacts_only.patch(
        f"/v1/contacts/{contact_id}", json={"title": "CTO"}
    )
    fetched = await contacts_only.get(f"/v1/contacts/{contact_id}")
    deleted = await contacts_only.delete(f"/v1/contacts/{contact_id}")

    assert created.status_code == 201
    assert data_of(updated)["attributes"]["title"] == "CTO"
    assert fetched.status_code == 200
    assert deleted.status_code == 204


async def test_scope_is_checked_before_the_body(contacts_only: httpx.AsyncClient):
    response = await contacts_only.post("/v1/companies", content=b"{not json")

    assert _refused(response, "companies:write")


@pytest.mark.parametrize(
    ("scopes", "needed", "granted"),
    [
        ({"*"}, "companies:write", True),
        ({"contacts:read"}, "contacts:read", True),
        ({"contacts:write"}, "contacts:read", False),
        ({"custom_fields"}, "custom_fields:read", True),
        ({"custom_fields:read"}, "custom_fields", False),
        (set(), "contacts:read", False),
    ],
)
def test_grants_follow_scope_rules(scopes: set[str], needed: str, granted: bool):
    assert grants(frozenset(scopes), needed) is granted
