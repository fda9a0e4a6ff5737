"""List filters of contacts and companies (substring, exact and tags)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import collect, data_of, error_of

Item = dict[str, Any]


def _contains(field: str, needle: str) -> Callable[[Item], bool]:
    return lambda item: (
        item[field] is not None and needle.lower() in item[field].lower()
    )


def _equals(field: str, value: str) -> Callable[[Item], bool]:
    return lambda item: item[field] == value


def _has_tags(*tags: str) -> Callable[[Item], bool]:
    return lambda item: set(tags) <= set(item["tags"])


@pytest.mark.parametrize(
    ("params", "matches"),
    [
        pytest.param(
            {"email": "NORTHWIND"},
            _contains("email", "northwind"),
            id="email-substring",
        ),
        pytest.param(
            {"email": "henrik.nilsson"},
            _contains("email", "henrik.nilsson"),
            id="email-case",
        ),
        pytest.param(
            {"first_name": "ZO"}, _contains("first_name", "zo"), id="first-name"
        ),
        pytest.param(
            {"last_name": "ÜLLER"},
            _contains("last_name", "üller"),
            id="last-name-unicode",
        ),
        pytest.param({"source": "hubspot"}, _equals("source", "hubspot"), id="source"),
        pytest.param({"tags": "vip"}, _has_tags("vip"), id="one-tag"),
        pytest.param(
            {"tags": "vip,newsletter"}, _has_tags("vip", "newsletter"), id="all-tags"
        ),
        pytest.param({"tags": "Lead"}, _has_tags("Lead"), id="tag-exact"),
        pytest.param(
            {"email": "", "source": ""}, lambda item: True, id="empty-ignored"
        ),
        pytest.param(
            {"source": "api", "tags": "beta"},
            lambda i: i["source"] == "api" and "beta" in i["tags"],
            id="combined",
        ),
    ],
)
async def test_contact_filters_select_matching_rows(
    client: httpx.AsyncClient, params: dict[str, str], matches: Callable[[Item], bool]
):
    everything = await collect(client, "/v1/contacts", limit=100)

    found = await collect(client, "/v1/contacts", **params, limit=100)

    expected = [item["id"] for item in everything if matches(item)]
    assert [item["id"] for item in found] == expected


@pytest.mark.parametrize(
    ("name", "value", "variant"),
    [
        pytest.param("source", "hubspot", "HubSpot", id="source"),
        pytest.param("tags", "Lead", "lead", id="tags"),
    ],
)
async def test_exact_filters_are_case_sensitive(
    client: httpx.AsyncClient, name: str, value: str, variant: str
):
    exact = await client.get("/v1/contacts", params={name: value})
    other_case = await client.get("/v1/contacts", params={name: variant})

    assert data_of(exact)
    assert data_of(other_case) == []


async def test_contact_filter_by_company(client: httpx.AsyncClient):
    everything = await collect(client, "/v1/contacts", limit=100)
    company_id = everything[0]["company_id"]

    found = await collect(client, "/v1/contacts", company_id=company_id, limit=5)

    expected = [item for item in everything if item["company_id"] == company_id]
    assert found == expected


async def test_contact_filter_by_company_needs_company_prefix(
    client: httpx.AsyncClient,
):
    response = await client.get("/v1/contacts", params={"company_id": "ct_x"})

    assert error_of(response)["details"] == [
        {"field": "company_id", "message": "Expected a company id starting with 'co_'"}
    ]


@pytest.mark.parametrize(
    ("params", "matches"),
    [
        pytest.param({"name": "HARBOR"}, _contains("name", "harbor"), id="name"),
        pytest.param({"domain": ".TEST"}, _contains("domain", ".test"), id="domain"),
        pytest.param(
            {"industry": "soft"}, _contains("industry", "soft"), id="industry"
        ),
        pytest.param({"size": "11-50"}, _equals("size", "11-50"), id="size"),
        pytest.param({"tags": "customer"}, _has_tags("customer"), id="tags"),
    ],
)
async def test_company_filters_select_matching_rows(
    client: httpx.AsyncClient, params: dict[str, str], matches: Callable[[Item], bool]
):
    everything = await collect(client, "/v1/companies", limit=100)

    found = await collect(client, "/v1/companies", **params, limit=100)

    expected = [item["id"] for item in everything if matches(item)]
    assert expected
    assert [item["id"] for item in found] == expected


async def test_filters_treat_like_wildcards_literally(client: httpx.AsyncClient):
    await client.post("/v1/companies", json={"name": "100% Organic_Co"})

    percent = data_of(await client.get("/v1/companies", params={"name": "0% o"}))
    wildcard = data_of(await client.get("/v1/companies", params={"name": "nic%co"}))

    assert [c["attributes"]["name"] for c in percent] == ["100% Organic_Co"]
    assert wildcard == []
