"""The committed SDL is the schema clients build against; the code must match it."""

from __future__ import annotations

from pathlib import Path

from schema import GatewaySchema

SDL = Path(__file__).parents[2] / "schema.graphql"


def test_committed_sdl_matches_code(schema: GatewaySchema) -> None:
    printed = schema.as_str() + "\n"

    assert printed == SDL.read_text(encoding="utf-8"), (
        "schema.graphql is out of date: nodestash-gateway schema > schema.graphql"
    )


def test_contract_names_present(schema: GatewaySchema) -> None:
    printed = schema.as_str()

    for name in [
        "interface Node",
        "interface CustomFieldValue",
        "type ContactConnection",
        "type CompanyEdge",
        "type CustomFieldDefinitionConnection",
        "type UntypedCustomFieldValue implements CustomFieldValue",
        "enum CustomFieldType",
        "scalar DateTime",
        "scalar JSON",
        "scalar Date",
        "setCustomFieldValues(entityType: CustomFieldEntityType!, entityId: ID!",
    ]:
        assert name in printed
