"""Every query of the schema, through the gateway, against the seeded sandbox."""

from __future__ import annotations

import base64
from typing import Any

from sandbox import OTHER_API_KEY
from tests.conftest import Gateway

CONTACT_FIELDS = """
  id email firstName lastName phone title source tags companyId
  createdAt updatedAt
"""


async def _first_contacts(gateway: Gateway, first: int = 20) -> list[dict[str, Any]]:
    result = await gateway.execute(
        f"{{ contacts(first: {first}) {{ nodes {{ {CONTACT_FIELDS} }} }} }}"
    )
    assert "errors" not in result, result
    nodes: list[dict[str, Any]] = result["data"]["contacts"]["nodes"]
    return nodes


async def test_contacts_default_page(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ contacts { edges { cursor node { id } } nodes { id }"
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )

    contacts = result["data"]["contacts"]
    assert len(contacts["nodes"]) == 20
    assert [e["node"] for e in contacts["edges"]] == contacts["nodes"]
    page_info = contacts["pageInfo"]
    assert page_info["hasNextPage"] is True
    assert page_info["hasPreviousPage"] is False
    assert page_info["startCursor"] == contacts["edges"][0]["cursor"]
    assert page_info["endCursor"] == contacts["edges"][-1]["cursor"]


async def test_contacts_newest_first_by_default(gateway: Gateway) -> None:
    nodes = await _first_contacts(gateway, 30)

    stamps = [node["createdAt"] for node in nodes]
    assert stamps == sorted(stamps, reverse=True)
    assert all(stamp.endswith("Z") for stamp in stamps)


async def test_contact_by_id(gateway: Gateway) -> None:
    [wanted] = await _first_contacts(gateway, 1)

    result = await gateway.execute(
        f'{{ contact(id: "{wanted["id"]}") {{ {CONTACT_FIELDS} }} }}'
    )

    assert result == {"data": {"contact": wanted}}


async def test_contact_unknown_id_is_null(gateway: Gateway) -> None:
    result = await gateway.execute('{ contact(id: "ct_doesnotexist000000000") { id } }')

    assert result == {"data": {"contact": None}}


async def test_contact_wrong_prefix_is_null_without_call(gateway: Gateway) -> None:
    await gateway.reset_calls()

    result = await gateway.execute('{ contact(id: "co_whatever") { id } }')

    assert result == {"data": {"contact": None}}
    assert await gateway.calls() == {}


async def test_contact_of_other_workspace_is_null(gateway: Gateway) -> None:
    [theirs] = await _first_contacts(gateway, 1)

    result = await gateway.execute(
        f'{{ contact(id: "{theirs["id"]}") {{ id }} }}', key=OTHER_API_KEY
    )

    assert result == {"data": {"contact": None}}


async def test_contacts_filter_by_tags_and_email(gateway: Gateway) -> None:
    nodes = await _first_contacts(gateway, 100)
    tag = next(tag for node in nodes for tag in node["tags"])
    domain = nodes[0]["email"].split("@")[1]

    by_tag = await gateway.execute(
        "query($t: [String!]) { contacts(first: 100, filter: {tags: $t})"
        " { nodes { tags } } }",
        {"t": [tag]},
    )
    by_email = await gateway.execute(
        "query($e: String) { contacts(first: 100, filter: {email: $e})"
        " { nodes { email } } }",
        {"e": domain.upper()},
    )

    tagged = by_tag["data"]["contacts"]["nodes"]
    assert tagged and all(tag in node["tags"] for node in tagged)
    emails = [node["email"] for node in by_email["data"]["contacts"]["nodes"]]
    assert emails and all(domain in email.lower() for email in emails)


async def test_contacts_order_by_last_name_then_created(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ contacts(first: 50, orderBy: [{field: LAST_NAME},"
        " {field: CREATED_AT, direction: DESC}]) { nodes { lastName createdAt } } }"
    )

    names = [n["lastName"] for n in result["data"]["contacts"]["nodes"]]
    present = [name for name in names if name is not None]
    assert present == sorted(present)


async def test_contacts_filter_by_company(gateway: Gateway) -> None:
    nodes = await _first_contacts(gateway, 50)
    company_id = next(node["companyId"] for node in nodes if node["companyId"])

    result = await gateway.execute(
        "query($c: ID) { contacts(first: 100, filter: {companyId: $c})"
        " { nodes { companyId } } }",
        {"c": company_id},
    )

    found = result["data"]["contacts"]["nodes"]
    assert found and {node["companyId"] for node in found} == {company_id}


async def test_first_out_of_range_is_bad_input(gateway: Gateway) -> None:
    for first in (0, -5, 101):
        result = await gateway.execute(
            f"{{ contacts(first: {first}) {{ nodes {{ id }} }} }}"
        )

        [error] = result["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["fieldErrors"][0]["path"] == ["first"]


async def test_garbage_cursor_is_bad_input(gateway: Gateway) -> None:
    result = await gateway.execute('{ contacts(after: "bm9wZQ") { nodes { id } } }')

    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fieldErrors"][0]["path"] == ["after"]


async def test_cursor_of_other_filter_is_refused(gateway: Gateway) -> None:
    page = await gateway.execute("{ contacts(first: 2) { pageInfo { endCursor } } }")
    cursor = page["data"]["contacts"]["pageInfo"]["endCursor"]

    result = await gateway.execute(
        'query($a: String) { contacts(after: $a, filter: {source: "web"})'
        " { nodes { id } } }",
        {"a": cursor},
    )

    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_paging_by_seven_sees_every_contact_once(gateway: Gateway) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        result = await gateway.execute(
            "query($a: String) { contacts(first: 7, after: $a) { nodes { id }"
            " pageInfo { hasNextPage hasPreviousPage endCursor } } }",
            {"a": after},
        )
        connection = result["data"]["contacts"]
        assert connection["pageInfo"]["hasPreviousPage"] is (pages > 0)
        seen.extend(node["id"] for node in connection["nodes"])
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    everyone = await _all_contact_ids(gateway)
    assert len(seen) == len(set(seen)) == len(everyone) >= 200
    assert set(seen) == everyone


async def _all_contact_ids(gateway: Gateway) -> set[str]:
    ids: set[str] = set()
    after = None
    while True:
        result = await gateway.execute(
            "query($a: String) { contacts(first: 100, after: $a) { nodes { id }"
            " pageInfo { hasNextPage endCursor } } }",
            {"a": after},
        )
        connection = result["data"]["contacts"]
        ids.update(node["id"] for node in connection["nodes"])
        if not connection["pageInfo"]["hasNextPage"]:
            return ids
        after = connection["pageInfo"]["endCursor"]


async def test_resume_from_middle_edge(gateway: Gateway) -> None:
    query = (
        "query($a: String, $n: Int) { contacts(first: $n, after: $a)"
        " { edges { cursor node { id } } } }"
    )
    long_page = await gateway.execute(query, {"n": 30})
    edges = long_page["data"]["contacts"]["edges"]

    resumed = await gateway.execute(query, {"n": 10, "a": edges[3]["cursor"]})

    ids = [edge["node"]["id"] for edge in resumed["data"]["contacts"]["edges"]]
    assert ids == [edge["node"]["id"] for edge in edges[4:14]]


async def test_resume_beyond_one_upstream_page(gateway: Gateway) -> None:
    query = (
        "query($a: String, $n: Int) { contacts(first: $n, after: $a)"
        " { edges { cursor node { id } } } }"
    )
    page = await gateway.execute(query, {"n": 100})
    edges = page["data"]["contacts"]["edges"]
    following = await gateway.execute(query, {"n": 100, "a": edges[-1]["cursor"]})
    expected = edges[51:] + following["data"]["contacts"]["edges"][:51]

    resumed = await gateway.execute(query, {"n": 100, "a": edges[50]["cursor"]})

    got = [edge["node"]["id"] for edge in resumed["data"]["contacts"]["edges"]]
    assert got == [edge["node"]["id"] for edge in expected]


async def test_cursor_hides_upstream_format(gateway: Gateway) -> None:
    page = await gateway.execute("{ contacts(first: 3) { edges { cursor } } }")

    for edge in page["data"]["contacts"]["edges"]:
        raw = base64.urlsafe_b64decode(edge["cursor"] + "==")
        assert b"created_at" not in raw
        assert b"ct_" not in raw


async def test_companies_with_filter_and_contacts(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ companies(first: 5, orderBy: [{field: NAME}]) { nodes { id name domain"
        " industry size tags createdAt updatedAt contacts(first: 3) { nodes"
        " { companyId } pageInfo { hasPreviousPage } } } } }"
    )

    companies = result["data"]["companies"]["nodes"]
    names = [company["name"] for company in companies]
    assert names == sorted(names) and len(names) == 5
    for company in companies:
        members = company["contacts"]["nodes"]
        assert {member["companyId"] for member in members} <= {company["id"]}

    name = companies[0]["name"][1:4]
    filtered = await gateway.execute(
        "query($n: String) { companies(filter: {name: $n}) { nodes { name } } }",
        {"n": name.lower()},
    )
    found = filtered["data"]["companies"]["nodes"]
    assert found and all(name.lower() in c["name"].lower() for c in found)


async def test_company_by_id_and_unknown(gateway: Gateway) -> None:
    listed = await gateway.execute("{ companies(first: 1) { nodes { id name } } }")
    [company] = listed["data"]["companies"]["nodes"]

    found = await gateway.execute(f'{{ company(id: "{company["id"]}") {{ id name }} }}')
    missing = await gateway.execute('{ company(id: "co_nothere") { id } }')

    assert found == {"data": {"company": company}}
    assert missing == {"data": {"company": None}}


async def test_definitions_cover_every_field_type(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ customFieldDefinitions(entityType: CONTACT, first: 100) { nodes { id"
        " entityType name slug fieldType description isRequired options"
        " displayOrder createdAt updatedAt } } }"
    )

    nodes = result["data"]["customFieldDefinitions"]["nodes"]
    assert {node["fieldType"] for node in nodes} == {
        "TEXT", "NUMBER", "BOOLEAN", "DATE", "SELECT", "MULTI_SELECT",
        "URL", "EMAIL", "PHONE",
    }  # fmt: skip
    assert {node["entityType"] for node in nodes} == {"CONTACT"}
    select = next(node for node in nodes if node["fieldType"] == "SELECT")
    assert select["options"]

    by_id = await gateway.execute(
        f'{{ customFieldDefinition(id: "{select["id"]}") {{ slug options }} }}'
    )
    assert by_id["data"]["customFieldDefinition"] == {
        "slug": select["slug"],
        "options": select["options"],
    }


async def test_custom_fields_are_typed(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ contacts(first: 100) { nodes { customFields { __typename slug rawValue"
        " definition { slug fieldType }"
        " ... on TextCustomFieldValue { text: value }"
        " ... on NumberCustomFieldValue { number: value }"
        " ... on BooleanCustomFieldValue { flag: value }"
        " ... on DateCustomFieldValue { day: value }"
        " ... on MultiSelectCustomFieldValue { many: value }"
        " ... on UntypedCustomFieldValue { untyped: value } } } } }"
    )

    values = [
        value
        for node in result["data"]["contacts"]["nodes"]
        for value in node["customFields"]
    ]
    kinds = {value["__typename"] for value in values}
    assert kinds >= {
        "TextCustomFieldValue",
        "NumberCustomFieldValue",
        "BooleanCustomFieldValue",
        "DateCustomFieldValue",
        "MultiSelectCustomFieldValue",
        "UntypedCustomFieldValue",
    }
    for value in values:
        if value["__typename"] == "UntypedCustomFieldValue":
            assert value["definition"] is None
            assert value["untyped"] == value["rawValue"]
        else:
            assert value["definition"]["slug"] == value["slug"]
        if value["__typename"] == "NumberCustomFieldValue":
            assert value["number"] == value["rawValue"]


async def test_custom_field_by_slug(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ contacts(first: 50) { nodes { customFields { slug rawValue } } } }"
    )
    node = next(n for n in result["data"]["contacts"]["nodes"] if n["customFields"])
    slug = node["customFields"][0]["slug"]

    one = await gateway.execute(
        "query($s: String!) { contacts(first: 50) { nodes"
        " { customField(slug: $s) { slug rawValue } nothing: customField"
        ' (slug: "no_such_slug") { slug } } } }',
        {"s": slug},
    )

    nodes = one["data"]["contacts"]["nodes"]
    assert {"slug": slug, "rawValue": node["customFields"][0]["rawValue"]} in [
        n["customField"] for n in nodes
    ]
    assert all(n["nothing"] is None for n in nodes)


async def test_node_and_nodes_resolve_each_type(gateway: Gateway) -> None:
    listed = await gateway.execute(
        "{ contacts(first: 1) { nodes { id } } companies(first: 1) { nodes { id } }"
        " customFieldDefinitions(first: 1) { nodes { id } } }"
    )
    ids = [listed["data"][k]["nodes"][0]["id"] for k in listed["data"]]

    result = await gateway.execute(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id }"
        ' one: node(id: "zz_unknown") { id } }',
        {"ids": [*ids, "ct_missing000"]},
    )

    assert result["data"]["nodes"] == [
        {"__typename": "Contact", "id": ids[0]},
        {"__typename": "Company", "id": ids[1]},
        {"__typename": "CustomFieldDefinition", "id": ids[2]},
        None,
    ]
    assert result["data"]["one"] is None


async def test_missing_credential_is_unauthenticated(gateway: Gateway) -> None:
    await gateway.reset_calls()

    result = await gateway.execute("{ contacts { nodes { id } } }", key=None)

    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await gateway.calls() == {}


async def test_unknown_key_is_unauthenticated(gateway: Gateway) -> None:
    result = await gateway.execute(
        "{ contacts { nodes { id } } }", key="nds_test_unknownkey"
    )

    [error] = result["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["extensions"]["upstream"]["code"] == "INVALID_API_KEY"
    assert error["extensions"]["upstream"]["requestId"].startswith("req_")
