"""The OpenAPI document: what it covers, and a schemathesis run against it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sandbox import SandboxSettings, create_app
from sandbox.openapi import openapi_document
from sandbox.routes import router
from sandbox.seed import DEMO_WORKSPACE_ID
from tests.sandbox.helpers import DEMO_AUTH

OPERATION_IDS = {
    "listContacts",
    "getContact",
    "createContact",
    "updateContact",
    "deleteContact",
    "listCompanies",
    "getCompany",
    "createCompany",
    "updateCompany",
    "deleteCompany",
    "listCustomFieldDefinitions",
    "getCustomFieldDefinition",
    "createCustomFieldDefinition",
    "updateCustomFieldDefinition",
    "deleteCustomFieldDefinition",
    "getCustomFieldValues",
    "setCustomFieldValues",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES_PER_OPERATION = 8


def _documented() -> dict[tuple[str, str], Any]:
    paths = cast(dict[str, dict[str, Any]], openapi_document()["paths"])
    return {
        (method.upper(), path): operation
        for path, operations in paths.items()
        for method, operation in operations.items()
    }


async def test_document_is_served_without_a_key(anonymous: httpx.AsyncClient):
    response = await anonymous.get("/openapi.json")

    document = response.json()
    assert response.status_code == 200
    assert document["openapi"] == "3.1.0"
    assert {op["operationId"] for op in _documented().values()} == OPERATION_IDS


def test_document_and_routes_agree():
    routed = {
        (method, route.path): route.operation_id
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }

    documented = {key: op["operationId"] for key, op in _documented().items()}

    assert documented == routed


def test_every_operation_declares_the_common_errors():
    for operation in _documented().values():
        assert {"401", "403", "429", "500"} <= set(operation["responses"])


# Hypothesis caches what it learns about the code between runs; keep that out
# of the working tree, in a directory that outlives a single test run.
HYPOTHESIS_HOME = Path(tempfile.gettempdir()) / "nodestash-sandbox-hypothesis"


@pytest.fixture
def fuzzed_app() -> Iterator[FastAPI]:
    """A fresh sandbox, with Hypothesis's caches in `HYPOTHESIS_HOME`."""
    set_hypothesis_home_dir(HYPOTHESIS_HOME)
    app = create_app(SandboxSettings())
    yield app
    app.state.sandbox.store.close()
    set_hypothesis_home_dir(None)


def _real_path_parameters(app: FastAPI) -> dict[str, list[dict[str, str]]]:
    """Ids of seeded records, so generated cases also reach existing ones."""
    db = app.state.sandbox.store.connection

    def ids(table: str) -> list[str]:
        rows = db.execute(
            f"SELECT id FROM {table} WHERE workspace_id = ? LIMIT 8",
            (DEMO_WORKSPACE_ID,),
        )
        return [row["id"] for row in rows]

    contacts, companies = ids("contacts"), ids("companies")
    return {
        "/v1/contacts/{id}": [{"id": i} for i in contacts],
        "/v1/companies/{id}": [{"id": i} for i in companies],
        "/v1/custom-fields/{id}": [{"id": i} for i in ids("custom_field_definitions")],
        "/v1/{entity_type}/{entity_id}/custom-fields": [
            *({"entity_type": "contacts", "entity_id": i} for i in contacts),
            *({"entity_type": "companies", "entity_id": i} for i in companies),
        ],
    }


def _fuzz(operation: Any, known: list[dict[str, str]]) -> None:
    """Run generated cases of one operation; some aim at seeded records."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.sampled_from([None, *known]))
    def check(case: Any, real: dict[str, str] | None) -> None:
        if real is not None:
            case.path_parameters.update(real)
        case.call_and_validate(headers=DEMO_AUTH, checks=CHECKS)

    check()


def test_schemathesis_finds_no_server_errors_or_violations(fuzzed_app: FastAPI):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    real = _real_path_parameters(fuzzed_app)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]

    for operation in operations:
        _fuzz(operation, real.get(operation.path, []))

    assert len(operations) == len(results) == len(OPERATION_IDS)
