"""Definitions cached across requests, per credential, dropped on change."""

from __future__ import annotations

from sandbox import DEMO_API_KEY, OTHER_API_KEY
from tests.conftest import Gateway

FIELDS = "{ contacts(first: 5) { nodes { customFields { slug } } } }"
DEFINITIONS = "GET /v1/custom-fields"


async def _definition_calls(
    gateway: Gateway, query: str, key: str = DEMO_API_KEY
) -> int:
    await gateway.reset_calls()
    response = await gateway.post(query, key=key)
    assert "errors" not in response.json(), response.json()
    return (await gateway.calls()).get(DEFINITIONS, 0)


async def test_definitions_reused_across_requests(gateway: Gateway) -> None:
    first = await _definition_calls(gateway, FIELDS)
    second = await _definition_calls(gateway, FIELDS)

    assert (first, second) == (1, 0)


async def test_cache_is_per_credential(gateway: Gateway) -> None:
    await _definition_calls(gateway, FIELDS)

    other = await _definition_calls(gateway, FIELDS, key=OTHER_API_KEY)

    assert other == 1


async def test_definition_change_drops_cache(gateway: Gateway) -> None:
    await _definition_calls(gateway, FIELDS)
    created = await gateway.post(
        "mutation { createCustomFieldDefinition(input: {entityType: CONTACT,"
        ' name: "Fresh", fieldType: TEXT}) { customFieldDefinition { slug } } }'
    )
    assert "errors" not in created.json()

    after = await _definition_calls(gateway, FIELDS)
    written = await gateway.post(
        'mutation { createContact(input: {customFields: {fresh: "yes"}})'
        ' { contact { customField(slug: "fresh") { rawValue } } } }'
    )

    assert after == 1
    contact = written.json()["data"]["createContact"]["contact"]
    assert contact == {"customField": {"rawValue": "yes"}}
