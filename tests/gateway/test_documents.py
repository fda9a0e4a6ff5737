"""Operation limits, checked before validation and cheap for hostile documents."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from graphql import GraphQLError

from gateway.documents import Preparer
from gateway.settings import GatewaySettings
from schema import GatewaySchema


def _preparer(schema: GatewaySchema, **limits: int) -> Preparer:
    return Preparer(schema._schema, replace(GatewaySettings().limits, **limits))


def _refused(errors: tuple[GraphQLError, ...]) -> tuple[str, int]:
    [error] = errors
    extensions = error.extensions or {}
    assert extensions["code"] == "OPERATION_LIMIT_EXCEEDED"
    return extensions["limit"], extensions["maximum"]


def _bomb(levels: int, fan_out: int = 4) -> str:
    fragments = ["fragment F0 on Query { __typename }"]
    for level in range(1, levels + 1):
        spreads = " ".join([f"...F{level - 1}"] * fan_out)
        fragments.append(f"fragment F{level} on Query {{ {spreads} }}")
    return f"query {{ ...F{levels} }} " + " ".join(fragments)


def test_fragment_bomb_refused_cheaply(schema: GatewaySchema) -> None:
    preparer = _preparer(schema)
    document = _bomb(levels=12)  # 4**12 = 16.7 million selections expanded

    started = time.process_time()
    prepared = preparer.prepare(document)
    spent = time.process_time() - started

    assert len(document) < 1000
    assert _refused(prepared.errors) == ("selections", 5_000)
    assert spent < 0.05


@pytest.mark.parametrize(
    ("limits", "query", "expected"),
    [
        pytest.param(
            {"depth": 3},
            "{ contacts { nodes { company { name } } } }",
            ("depth", 3),
            id="depth",
        ),
        pytest.param(
            {"aliases": 2},
            "{ a: contacts { nodes { id } } b: contacts { nodes { x: id } } }",
            ("aliases", 2),
            id="aliases",
        ),
        pytest.param(
            {"root_fields": 2},
            "{ __typename a: __typename ...F } fragment F on Query { b: __typename }",
            ("rootFields", 2),
            id="root-fields",
        ),
        pytest.param(
            {"selections": 4},
            "{ contacts { nodes { id email phone } } }",
            ("selections", 4),
            id="selections",
        ),
        pytest.param(
            {"tokens": 100},
            "{ " + "__typename " * 200 + "}",
            ("tokens", 100),
            id="tokens",
        ),
    ],
)
def test_each_limit(
    schema: GatewaySchema,
    limits: dict[str, int],
    query: str,
    expected: tuple[str, int],
) -> None:
    prepared = _preparer(schema, **limits).prepare(query)

    assert _refused(prepared.errors) == expected


def test_introspection_depth_not_counted(schema: GatewaySchema) -> None:
    from graphql import get_introspection_query

    prepared = _preparer(schema).prepare(get_introspection_query())

    assert prepared.errors == ()


def test_valid_document_is_cached(schema: GatewaySchema) -> None:
    preparer = _preparer(schema)

    first = preparer.prepare("{ contacts { nodes { id } } }")
    again = preparer.prepare("{ contacts { nodes { id } } }")

    assert first is again and first.errors == ()


@pytest.mark.parametrize(
    ("query", "variables", "refused"),
    [
        pytest.param(
            "{ companies(first: 100) { nodes { contacts(first: 100) { nodes"
            " { company { name } } } } } }",
            None,
            True,
            id="nested-lists-with-lookups",
        ),
        pytest.param(
            "query($n: Int) { companies(first: $n) { nodes"
            " { contacts(first: $n) { nodes { company { name } } } } } }",
            {"n": 100},
            True,
            id="from-variables",
        ),
        pytest.param(
            "{ contacts(first: 50) { nodes { company { name } customFields"
            " { slug } } } }",
            None,
            False,
            id="nested-page",
        ),
        pytest.param(
            "{ companies(first: 20) { nodes { contacts(first: 10) { nodes"
            " { id } } } } }",
            None,
            False,
            id="fan-in",
        ),
    ],
)
def test_upstream_call_budget(
    schema: GatewaySchema,
    query: str,
    variables: dict[str, int] | None,
    refused: bool,
) -> None:
    preparer = _preparer(schema)
    prepared = preparer.prepare(query)
    operation = prepared.operation(None)
    assert operation is not None

    if refused:
        with pytest.raises(Exception, match="upstreamCalls limit of 250"):
            preparer.check_cost(prepared, operation, variables)
    else:
        preparer.check_cost(prepared, operation, variables)


def test_repeated_ids_cost_once(schema: GatewaySchema) -> None:
    preparer = _preparer(schema)
    prepared = preparer.prepare("query($ids: [ID!]!) { nodes(ids: $ids) { id } }")
    operation = prepared.operation(None)
    assert operation is not None

    preparer.check_cost(prepared, operation, {"ids": ["ct_a"] * 5000})
    with pytest.raises(Exception, match="upstreamCalls"):
        ids = [f"ct_{n}" for n in range(300)]
        preparer.check_cost(prepared, operation, {"ids": ids})
