"""The committed workload documents are valid operations of the gateway's schema."""

from __future__ import annotations

import graphql
import pytest

from benchmarks.workloads import LOOKUPS, WORKLOADS, Seed, Workload, workload
from schema import GatewaySchema

SEED = Seed(lookup_ids=tuple(f"ct_{i}" for i in range(LOOKUPS)), write_id="ct_0")


@pytest.mark.parametrize("item", [pytest.param(w, id=w.name) for w in WORKLOADS])
def test_workload_validates_against_schema(item: Workload, schema: GatewaySchema):
    document = graphql.parse(item.document)

    errors = graphql.validate(schema._schema, document)

    assert errors == []


@pytest.mark.parametrize("item", [pytest.param(w, id=w.name) for w in WORKLOADS])
def test_workload_variables_cover_its_definitions(item: Workload):
    document = graphql.parse(item.document)
    (operation,) = document.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    declared = {v.variable.name.value for v in operation.variable_definitions or ()}

    given = set(item.variables(SEED, 0))

    assert given == declared


def test_write_workload_alternates_its_title():
    write = workload("w5")

    titles = {write.variables(SEED, n)["title"] for n in range(4)}

    assert len(titles) == 2


def test_lookups_ask_for_twenty_contacts():
    lookups = workload("W3")

    assert lookups.document.count("contact(id:") == LOOKUPS
