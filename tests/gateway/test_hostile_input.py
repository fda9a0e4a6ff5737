"""Input a hostile or clumsy client sends: clear errors, nothing reaches
nodestash that should not."""

from __future__ import annotations

import hashlib
import logging

import pytest

from gateway.logs import TextFormatter
from tests.conftest import Gateway


@pytest.mark.parametrize(
    "record_id",
    [
        pytest.param("ct_/../../custom-fields/cf_aZDVyTby2LN8XWBLLWQ30", id="dots"),
        pytest.param("ct_a?include=company", id="query"),
        pytest.param("ct_a#fragment", id="fragment"),
        pytest.param("ct_/../../../_admin/stats", id="admin"),
        pytest.param("ct_a b\u0000c", id="control"),
        pytest.param("ct_" + "a" * 70_000, id="huge"),
    ],
)
async def test_malformed_ids_never_reach_upstream(
    gateway: Gateway, record_id: str
) -> None:
    await gateway.reset_calls()

    lookup = await gateway.execute(
        "query($id: ID!) { contact(id: $id) { id } node(id: $id) { id } }",
        {"id": record_id},
    )
    deleted = await gateway.execute(
        "mutation($id: ID!) { deleteContact(id: $id) { deletedId } }",
        {"id": record_id},
    )
    values = await gateway.execute(
        "mutation($id: ID!) { setCustomFieldValues(entityType: CONTACT,"
        " entityId: $id, values: {}) { values { slug } } }",
        {"id": record_id},
    )

    assert lookup == {"data": {"contact": None, "node": None}}
    assert deleted["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert values["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await gateway.calls() == {}


@pytest.mark.parametrize(
    ("variables", "path"),
    [
        pytest.param({"f": {"email": "x" * 70_000}}, ["filter", "email"], id="text"),
        pytest.param({"f": {"tags": ["t"] * 2000}}, ["filter", "tags"], id="tags"),
        pytest.param({"f": {"tags": ["t" * 51]}}, ["filter", "tags", 0], id="tag"),
    ],
)
async def test_oversized_filters_are_bad_input(
    gateway: Gateway, variables: dict[str, object], path: list[object]
) -> None:
    result = await gateway.execute(
        "query($f: ContactFilter) { contacts(filter: $f) { nodes { id } } }",
        variables,
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fieldErrors"][0]["path"] == path


async def test_null_tags_clear_them(gateway: Gateway) -> None:
    created = await gateway.execute(
        'mutation { createContact(input: {tags: ["a", "b"]}) { contact { id } } }'
    )
    contact_id = created["data"]["createContact"]["contact"]["id"]

    updated = await gateway.execute(
        "mutation($id: ID!) { updateContact(id: $id, input: {tags: null})"
        " { contact { tags } } }",
        {"id": contact_id},
    )

    assert updated == {"data": {"updateContact": {"contact": {"tags": []}}}}


async def test_select_value_outside_options_is_untyped(gateway: Gateway) -> None:
    created = await gateway.execute(
        'mutation { createContact(input: {customFields: {tier: "gold"}})'
        " { contact { id } } }"
    )
    contact_id = created["data"]["createContact"]["contact"]["id"]
    definitions = await gateway.execute(
        "{ customFieldDefinitions(entityType: CONTACT, first: 50)"
        " { nodes { id slug } } }"
    )
    tier = next(
        node["id"]
        for node in definitions["data"]["customFieldDefinitions"]["nodes"]
        if node["slug"] == "tier"
    )
    await gateway.execute(
        "mutation($id: ID!) { updateCustomFieldDefinition(id: $id, input:"
        ' {options: ["bronze", "silver"]}) { customFieldDefinition { id } } }',
        {"id": tier},
    )

    read = await gateway.execute(
        'query($id: ID!) { contact(id: $id) { customField(slug: "tier")'
        " { __typename rawValue } } }",
        {"id": contact_id},
    )

    assert read["data"]["contact"]["customField"] == {
        "__typename": "UntypedCustomFieldValue",
        "rawValue": "gold",
    }


async def test_unused_variable_is_validation_error(gateway: Gateway) -> None:
    response = await gateway.post("query($n: Int) { __typename }")

    code = response.json()["errors"][0]["extensions"]["code"]
    assert code == "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        pytest.param("PUT", "/graphql", 405, "METHOD_NOT_ALLOWED", id="put"),
        pytest.param("DELETE", "/graphql", 405, "METHOD_NOT_ALLOWED", id="delete"),
        pytest.param("GET", "/nowhere", 404, "NOT_FOUND", id="unknown-path"),
    ],
)
async def test_other_paths_and_methods_have_codes(
    gateway: Gateway, method: str, path: str, status: int, code: str
) -> None:
    response = await gateway.http.request(method, path)

    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    ("content", "headers", "status", "code"),
    [
        pytest.param(b"{", {}, 400, "BAD_REQUEST", id="bad-json"),
        pytest.param(b"[]", {}, 400, "BAD_REQUEST", id="array"),
        pytest.param(
            b'{"query": "{ __typename }"}',
            {"Content-Encoding": "gzip"},
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            id="gzip",
        ),
        pytest.param(
            b'{"query": "query A { __typename } query B { __typename }"}',
            {},
            400,
            "OPERATION_RESOLUTION_FAILURE",
            id="two-operations",
        ),
    ],
)
async def test_refusals_carry_codes(
    gateway: Gateway,
    content: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = await gateway.http.post(
        "/graphql",
        content=content,
        headers={"Content-Type": "application/json", "Authorization": "Bearer k"}
        | headers,
    )

    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_apq_never_registers_a_broken_document(gateway: Gateway) -> None:
    broken = "{ nope"
    digest = hashlib.sha256(broken.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    await gateway.http.post(
        "/graphql",
        json={"query": broken, "extensions": persisted},
        headers={"Authorization": "Bearer k"},
    )
    later = await gateway.http.post(
        "/graphql",
        json={"extensions": persisted},
        headers={"Authorization": "Bearer k"},
    )

    code = later.json()["errors"][0]["extensions"]["code"]
    assert code == "PERSISTED_QUERY_NOT_FOUND"


def test_text_logs_cannot_be_forged() -> None:
    record = logging.LogRecord(
        "gateway", logging.INFO, __file__, 1, "id=%s", ("zz\n2026 FORGED\x00",), None
    )

    line = TextFormatter().format(record)

    assert "\n" not in line and "\x00" not in line
    assert line.endswith("id=zz\\n2026 FORGED\\x00")


@pytest.mark.parametrize(
    ("filter_", "message"),
    [
        pytest.param({"companyId": ""}, "must not be empty", id="empty-id"),
        pytest.param({"companyId": "ct_abc"}, "company id", id="contact-id"),
        pytest.param({"companyId": "co_/../x"}, "company id", id="path"),
        pytest.param({"source": ""}, "must not be empty", id="empty-source"),
    ],
)
async def test_exact_filters_checked(
    gateway: Gateway, filter_: dict[str, str], message: str
) -> None:
    await gateway.reset_calls()

    result = await gateway.execute(
        "query($f: ContactFilter) { contacts(filter: $f) { nodes { id } } }",
        {"f": filter_},
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in error["extensions"]["fieldErrors"][0]["message"]
    assert await gateway.calls() == {}


async def test_value_without_definition_can_be_removed(gateway: Gateway) -> None:
    # The seed's newest contact carries a legacy_id no definition describes.
    listed = await gateway.execute(
        '{ contacts(first: 1) { nodes { id customField(slug: "legacy_id")'
        " { rawValue } } } }"
    )
    [contact] = listed["data"]["contacts"]["nodes"]
    assert contact["customField"] is not None

    updated = await gateway.execute(
        "mutation($id: ID!) { updateContact(id: $id, input:"
        " {customFields: {legacy_id: null}}) { contact { customFields { slug } } } }",
        {"id": contact["id"]},
    )

    slugs = [
        v["slug"] for v in updated["data"]["updateContact"]["contact"]["customFields"]
    ]
    assert "legacy_id" not in slugs


async def test_trailing_slash_is_not_redirected(gateway: Gateway) -> None:
    response = await gateway.http.post(
        "/graphql/", json={"query": "{ __typename }"}, headers={"Host": "evil.test"}
    )

    assert response.status_code == 404
    assert "location" not in response.headers
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_tag_with_comma_refused_on_write(gateway: Gateway) -> None:
    await gateway.reset_calls()

    result = await gateway.execute(
        'mutation { createContact(input: {tags: ["ok", "a,b"]}) { contact { id } } }'
    )

    [error] = result["errors"]
    assert error["extensions"]["fieldErrors"][0]["path"] == ["input", "tags", 1]
    assert "POST /v1/contacts" not in await gateway.calls()
