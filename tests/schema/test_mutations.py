"""Every mutation of the schema, and the rules the types alone do not say."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gateway

CREATE_CONTACT = """
mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id email firstName lastName phone title source tags companyId
              customFields { slug rawValue } }
  }
}
"""
UPDATE_CONTACT = """
mutation($id: ID!, $input: UpdateContactInput!) {
  updateContact(id: $id, input: $input) {
    contact { id email firstName lastName phone title tags companyId
              customFields { slug rawValue } }
  }
}
"""
DELETE_CONTACT = "mutation($id: ID!) { deleteContact(id: $id) { deletedId } }"


async def _slugs(
    gateway: Gateway, entity: str = "CONTACT"
) -> dict[str, dict[str, Any]]:
    result = await gateway.execute(
        f"{{ customFieldDefinitions(entityType: {entity}, first: 100)"
        " { nodes { id slug fieldType options isRequired } } }"
    )
    nodes = result["data"]["customFieldDefinitions"]["nodes"]
    return {node["fieldType"]: node for node in nodes}


async def _create(gateway: Gateway, **fields: Any) -> dict[str, Any]:
    result = await gateway.execute(CREATE_CONTACT, {"input": fields})
    assert "errors" not in result, result
    contact: dict[str, Any] = result["data"]["createContact"]["contact"]
    return contact


def _values(contact: dict[str, Any]) -> dict[str, Any]:
    return {v["slug"]: v["rawValue"] for v in contact["customFields"]}


async def test_create_contact_with_everything(gateway: Gateway) -> None:
    fields = await _slugs(gateway)
    select = fields["SELECT"]
    companies = await gateway.execute("{ companies(first: 1) { nodes { id } } }")
    company_id = companies["data"]["companies"]["nodes"][0]["id"]

    contact = await _create(
        gateway,
        email="ada@lovelace.test",
        firstName="Ada",
        lastName="Lovelace",
        phone="+44 20 0000",
        title="Analyst",
        source="api",
        tags=["vip", "math"],
        companyId=company_id,
        customFields={
            fields["NUMBER"]["slug"]: 42,
            select["slug"]: select["options"][0],
        },
    )

    assert contact["id"].startswith("ct_")
    assert contact["tags"] == ["vip", "math"]
    assert contact["companyId"] == company_id
    assert _values(contact) == {
        fields["NUMBER"]["slug"]: 42,
        select["slug"]: select["options"][0],
    }
    read = await gateway.execute(
        f'{{ contact(id: "{contact["id"]}") {{ email company {{ id }} }} }}'
    )
    assert read["data"]["contact"] == {
        "email": "ada@lovelace.test",
        "company": {"id": company_id},
    }


async def test_create_contact_duplicate_email_conflicts(gateway: Gateway) -> None:
    await _create(gateway, email="twice@example.test")

    result = await gateway.execute(
        CREATE_CONTACT, {"input": {"email": "TWICE@example.test"}}
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["upstream"]["status"] == 409
    assert result["data"] == {"createContact": None}


async def test_create_contact_bad_value_never_written(gateway: Gateway) -> None:
    fields = await _slugs(gateway)
    number, select = fields["NUMBER"]["slug"], fields["SELECT"]["slug"]
    await gateway.reset_calls()

    result = await gateway.execute(
        CREATE_CONTACT,
        {
            "input": {
                "email": "bad@example.test",
                "customFields": {number: "many", select: "nope", "ghost": 1},
            }
        },
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    paths = [e["path"] for e in error["extensions"]["fieldErrors"]]
    assert sorted(paths) == sorted(
        [
            ["input", "customFields", number],
            ["input", "customFields", select],
            ["input", "customFields", "ghost"],
        ]
    )
    assert "POST /v1/contacts" not in await gateway.calls()


async def test_required_custom_field_enforced(gateway: Gateway) -> None:
    created = await gateway.execute(
        "mutation { createCustomFieldDefinition(input: {entityType: CONTACT,"
        ' name: "Account Tier", fieldType: TEXT, isRequired: true})'
        " { customFieldDefinition { slug isRequired } } }"
    )
    definition = created["data"]["createCustomFieldDefinition"]
    assert definition["customFieldDefinition"] == {
        "slug": "account_tier",
        "isRequired": True,
    }

    missing = await gateway.execute(CREATE_CONTACT, {"input": {"email": "r@x.test"}})
    given = await gateway.execute(
        CREATE_CONTACT,
        {"input": {"email": "r@x.test", "customFields": {"account_tier": "gold"}}},
    )
    contact_id = given["data"]["createContact"]["contact"]["id"]
    removed = await gateway.execute(
        UPDATE_CONTACT,
        {"id": contact_id, "input": {"customFields": {"account_tier": None}}},
    )

    assert missing["errors"][0]["extensions"]["fieldErrors"] == [
        {"path": ["input", "customFields", "account_tier"], "message": "is required"}
    ]
    assert "errors" not in given
    assert removed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_update_contact_partial_semantics(gateway: Gateway) -> None:
    fields = await _slugs(gateway)
    text, number = fields["TEXT"]["slug"], fields["NUMBER"]["slug"]
    contact = await _create(
        gateway,
        email="partial@example.test",
        firstName="Grace",
        lastName="Hopper",
        title="Rear Admiral",
        customFields={text: "keep", number: 1},
    )

    result = await gateway.execute(
        UPDATE_CONTACT,
        {
            "id": contact["id"],
            "input": {
                "firstName": "Amazing Grace",
                "title": None,
                "customFields": {number: None, fields["BOOLEAN"]["slug"]: True},
            },
        },
    )

    updated = result["data"]["updateContact"]["contact"]
    assert updated["firstName"] == "Amazing Grace"
    assert updated["lastName"] == "Hopper"
    assert updated["email"] == "partial@example.test"
    assert updated["title"] is None
    assert _values(updated) == {text: "keep", fields["BOOLEAN"]["slug"]: True}


async def test_update_contact_unknown_company_is_bad_input(gateway: Gateway) -> None:
    contact = await _create(gateway, email="company@example.test")

    result = await gateway.execute(
        UPDATE_CONTACT,
        {"id": contact["id"], "input": {"companyId": "co_doesnotexist"}},
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["upstream"]["status"] == 422
    assert error["extensions"]["fieldErrors"][0]["path"] == ["input", "companyId"]


async def test_update_contact_upstream_validation_located(gateway: Gateway) -> None:
    contact = await _create(gateway, email="valid@example.test")

    result = await gateway.execute(
        UPDATE_CONTACT,
        {"id": contact["id"], "input": {"email": "not-an-email", "tags": ["x" * 60]}},
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    paths = {tuple(e["path"][:2]) for e in error["extensions"]["fieldErrors"]}
    assert paths == {("input", "email"), ("input", "tags")}


async def test_update_and_delete_unknown_contact_not_found(gateway: Gateway) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        (UPDATE_CONTACT, {"id": "ct_nobody0000", "input": {"title": "x"}}),
        (UPDATE_CONTACT, {"id": "co_wrongprefix", "input": {"title": "x"}}),
        (DELETE_CONTACT, {"id": "ct_nobody0000"}),
    ]
    for query, variables in cases:
        result = await gateway.execute(query, variables)

        [error] = result["errors"]
        assert error["extensions"]["code"] == "NOT_FOUND"


async def test_delete_contact(gateway: Gateway) -> None:
    contact = await _create(gateway, email="gone@example.test")

    deleted = await gateway.execute(DELETE_CONTACT, {"id": contact["id"]})
    lookup = await gateway.execute(f'{{ contact(id: "{contact["id"]}") {{ id }} }}')

    assert deleted == {"data": {"deleteContact": {"deletedId": contact["id"]}}}
    assert lookup == {"data": {"contact": None}}


async def test_company_lifecycle_unlinks_contacts(gateway: Gateway) -> None:
    fields = await _slugs(gateway, "COMPANY")
    slug = next(iter(fields.values()))["slug"]
    created = await gateway.execute(
        "mutation($i: CreateCompanyInput!) { createCompany(input: $i)"
        " { company { id name domain tags } } }",
        {"i": {"name": "Initech", "domain": "initech.test", "tags": ["b2b"]}},
    )
    company = created["data"]["createCompany"]["company"]
    member = await _create(gateway, email="peter@initech.test", companyId=company["id"])

    updated = await gateway.execute(
        "mutation($id: ID!, $i: UpdateCompanyInput!) { updateCompany(id: $id,"
        " input: $i) { company { name domain industry } } }",
        {"id": company["id"], "i": {"industry": "Software", "domain": None}},
    )
    deleted = await gateway.execute(
        "mutation($id: ID!) { deleteCompany(id: $id) { deletedId } }",
        {"id": company["id"]},
    )
    after = await gateway.execute(
        f'{{ contact(id: "{member["id"]}") {{ companyId }} }}'
    )

    assert company["tags"] == ["b2b"]
    assert updated["data"]["updateCompany"]["company"] == {
        "name": "Initech",
        "domain": None,
        "industry": "Software",
    }
    assert deleted["data"]["deleteCompany"]["deletedId"] == company["id"]
    assert after["data"]["contact"] == {"companyId": None}
    assert slug


async def test_company_duplicate_domain_conflicts(gateway: Gateway) -> None:
    mutation = (
        "mutation($i: CreateCompanyInput!) { createCompany(input: $i)"
        " { company { id } } }"
    )
    await gateway.execute(mutation, {"i": {"name": "A", "domain": "same.test"}})

    result = await gateway.execute(
        mutation, {"i": {"name": "B", "domain": "same.test"}}
    )

    assert result["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_definition_lifecycle(gateway: Gateway) -> None:
    created = await gateway.execute(
        "mutation { createCustomFieldDefinition(input: {entityType: COMPANY,"
        ' name: "Support Plan", fieldType: SELECT, options: ["basic", "premium"]})'
        " { customFieldDefinition { id slug entityType fieldType options"
        " isRequired displayOrder } } }"
    )
    definition = created["data"]["createCustomFieldDefinition"]["customFieldDefinition"]
    updated = await gateway.execute(
        "mutation($id: ID!) { updateCustomFieldDefinition(id: $id, input:"
        ' {options: ["basic", "premium", "gold"], description: "Tier"})'
        " { customFieldDefinition { options description } } }",
        {"id": definition["id"]},
    )
    deleted = await gateway.execute(
        "mutation($id: ID!) { deleteCustomFieldDefinition(id: $id) { deletedId } }",
        {"id": definition["id"]},
    )
    lookup = await gateway.execute(
        f'{{ customFieldDefinition(id: "{definition["id"]}") {{ id }} }}'
    )

    assert definition == {
        "id": definition["id"],
        "slug": "support_plan",
        "entityType": "COMPANY",
        "fieldType": "SELECT",
        "options": ["basic", "premium"],
        "isRequired": False,
        "displayOrder": 0,
    }
    assert updated["data"]["updateCustomFieldDefinition"]["customFieldDefinition"] == {
        "options": ["basic", "premium", "gold"],
        "description": "Tier",
    }
    assert deleted["data"]["deleteCustomFieldDefinition"]["deletedId"]
    assert lookup == {"data": {"customFieldDefinition": None}}


async def test_definition_upstream_errors(gateway: Gateway) -> None:
    mutation = (
        "mutation($i: CreateCustomFieldDefinitionInput!) {"
        " createCustomFieldDefinition(input: $i) { customFieldDefinition { id } } }"
    )
    base = {"entityType": "CONTACT", "fieldType": "TEXT"}

    bad_slug = await gateway.execute(
        mutation, {"i": {**base, "name": "X", "slug": "Not A Slug"}}
    )
    no_options = await gateway.execute(
        mutation, {"i": {**base, "name": "Pick", "fieldType": "SELECT"}}
    )
    await gateway.execute(mutation, {"i": {**base, "name": "Twin"}})
    twin = await gateway.execute(mutation, {"i": {**base, "name": "Twin"}})

    assert bad_slug["errors"][0]["extensions"]["fieldErrors"][0]["path"] == [
        "input",
        "slug",
    ]
    assert no_options["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert twin["errors"][0]["extensions"]["code"] == "CONFLICT"


SET_VALUES = """
mutation($type: CustomFieldEntityType!, $id: ID!, $values: JSON!) {
  setCustomFieldValues(entityType: $type, entityId: $id, values: $values) {
    values { __typename slug rawValue ... on DateCustomFieldValue { day: value } }
  }
}
"""


async def test_set_custom_field_values(gateway: Gateway) -> None:
    fields = await _slugs(gateway)
    date, text = fields["DATE"]["slug"], fields["TEXT"]["slug"]
    contact = await _create(gateway, email="values@example.test")

    result = await gateway.execute(
        SET_VALUES,
        {"type": "CONTACT", "id": contact["id"], "values": {date: "2026-09-01"}},
    )
    again = await gateway.execute(
        SET_VALUES,
        {"type": "CONTACT", "id": contact["id"], "values": {text: "hello"}},
    )

    values = result["data"]["setCustomFieldValues"]["values"]
    assert values == [
        {
            "__typename": "DateCustomFieldValue",
            "slug": date,
            "rawValue": "2026-09-01",
            "day": "2026-09-01",
        }
    ]
    merged = {v["slug"] for v in again["data"]["setCustomFieldValues"]["values"]}
    assert merged == {date, text}


async def test_set_custom_field_values_refused(gateway: Gateway) -> None:
    fields = await _slugs(gateway)
    boolean = fields["BOOLEAN"]["slug"]
    contact = await _create(gateway, email="refused@example.test")
    await gateway.reset_calls()

    bad = await gateway.execute(
        SET_VALUES, {"type": "CONTACT", "id": contact["id"], "values": {boolean: 1}}
    )
    not_object = await gateway.execute(
        SET_VALUES, {"type": "CONTACT", "id": contact["id"], "values": [1]}
    )
    unknown = await gateway.execute(
        SET_VALUES, {"type": "CONTACT", "id": "ct_nobody00000", "values": {}}
    )
    wrong_type = await gateway.execute(
        SET_VALUES, {"type": "COMPANY", "id": contact["id"], "values": {}}
    )

    assert bad["errors"][0]["extensions"]["fieldErrors"] == [
        {"path": ["values", boolean], "message": "must be true or false"}
    ]
    assert not_object["errors"][0]["extensions"]["fieldErrors"][0]["path"] == ["values"]
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert wrong_type["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # Only the unknown contact reached nodestash; refused values never did.
    calls = await gateway.calls()
    assert calls["PUT /v1/{entity_type}/{entity_id}/custom-fields"] == 1
