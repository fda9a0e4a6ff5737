"""The client examples in examples/ work against the demo as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

from graphql import OperationDefinitionNode, parse, validate

from schema import GatewaySchema
from tests.e2e.conftest import ROOT, Demo

PYTHON_EXAMPLE = ROOT / "examples" / "python_gql.py"
APOLLO_EXAMPLE = ROOT / "examples" / "apollo-client.ts"
CONTACTS = """
query Expected($first: Int!, $filter: ContactFilter) {
  contacts(first: $first, filter: $filter,
           orderBy: [{field: LAST_NAME}, {field: FIRST_NAME}]) {
    nodes { id email company { name } customFields { slug rawValue } }
  }
}
"""


def _run_python_example(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PYTHON_EXAMPLE), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_python_example_lists_contacts_with_company_and_custom_fields(
    demo: Demo,
) -> None:
    expected = demo.query(CONTACTS, {"first": 3})["contacts"]["nodes"]

    run = _run_python_example("--url", demo.url, "--limit", "3")

    assert run.returncode == 0, run.stderr
    for contact in expected:
        assert f"<{contact['email']}>  {contact['id']}" in run.stdout
        if contact["company"]:
            assert f"company: {contact['company']['name']}" in run.stdout
        for field in contact["customFields"]:
            assert f": {json.dumps(field['rawValue'])}" in run.stdout


def test_python_example_pages_through_a_filtered_list(demo: Demo) -> None:
    variables = {"first": 100, "filter": {"tags": ["vip"]}}
    expected = demo.query(CONTACTS, variables)["contacts"]["nodes"]

    run = _run_python_example(
        *("--url", demo.url, "--tag", "vip", "--json"),
        *("--limit", "1000", "--page-size", "4"),
    )

    assert run.returncode == 0, run.stderr
    listed = json.loads(run.stdout)
    assert 5 < len(expected) < 100
    assert [contact["id"] for contact in listed] == [c["id"] for c in expected]
    assert all("vip" in contact["tags"] for contact in listed)


def test_python_example_reports_graphql_errors_by_code(demo: Demo) -> None:
    run = _run_python_example("--url", demo.url, "--key", "nds_test_not_a_key")

    assert run.returncode == 1
    assert run.stderr.startswith("UNAUTHENTICATED: "), run.stderr
    assert run.stdout == ""


def _apollo_documents() -> dict[str, str]:
    """Each gql`` document of the snippet, its ${FRAGMENT}s filled in."""
    source = APOLLO_EXAMPLE.read_text(encoding="utf-8")
    found = dict(
        re.findall(
            r"(?:const|let) (\w+)\b[^=;]*= gql`([^`]*)`", source, flags=re.DOTALL
        )
    )
    return {
        name: re.sub(r"\$\{(\w+)\}", lambda ref: found[ref.group(1)], text)
        for name, text in found.items()
    }


def test_apollo_example_documents_validate_against_the_schema(
    schema: GatewaySchema,
) -> None:
    documents = _apollo_documents()
    operations: dict[str, Any] = {}
    for name, text in documents.items():
        document = parse(text)
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                assert definition.name is not None, name
                operations[definition.name.value] = definition.operation.value
                assert validate(schema._schema, document) == [], name

    assert set(documents) == {"CONTACT_FIELDS", "CONTACTS", "CREATE_CONTACT"}
    assert operations == {
        "ApolloContacts": "query",
        "ApolloCreateContact": "mutation",
    }


def test_apollo_example_operations_run_against_the_demo(demo: Demo) -> None:
    documents = _apollo_documents()

    listed = demo.query(documents["CONTACTS"], {"first": 5, "tags": ["vip"]})
    created = demo.query(
        documents["CREATE_CONTACT"],
        {
            "input": {
                "email": "grace@example.test",
                "firstName": "Grace",
                "tags": ["vip"],
                "customFields": {"lead_score": 90},
            }
        },
    )["createContact"]["contact"]
    demo.query(
        "mutation($id: ID!) { deleteContact(id: $id) { deletedId } }",
        {"id": created["id"]},
    )

    assert len(listed["contacts"]["nodes"]) == 5
    assert created["customFields"] == [
        {"slug": "lead_score", "rawValue": 90, "number": 90}
    ]
