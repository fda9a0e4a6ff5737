"""The HTTP surface: GraphQL over POST and GET, GraphiQL, request ids."""

from __future__ import annotations

import pytest

from gateway.app import EXAMPLE_QUERY, create_app
from gateway.settings import GatewaySettings
from sandbox import DEMO_API_KEY
from tests.conftest import Gateway, serving


async def test_post_forwards_credential(gateway: Gateway) -> None:
    response = await gateway.post("{ contacts(first: 2) { nodes { id } } }")

    assert response.status_code == 200
    assert len(response.json()["data"]["contacts"]["nodes"]) == 2


async def test_query_over_get(gateway: Gateway) -> None:
    response = await gateway.http.get(
        "/graphql",
        params={"query": "{ contacts(first: 1) { nodes { id } } }"},
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
    )

    assert response.status_code == 200
    assert len(response.json()["data"]["contacts"]["nodes"]) == 1


async def test_request_id_echoed(gateway: Gateway) -> None:
    response = await gateway.post(
        "{ __typename }", headers={"X-Request-Id": "client-42"}
    )

    assert response.headers["x-request-id"] == "client-42"


async def test_unsafe_request_id_replaced(gateway: Gateway) -> None:
    response = await gateway.post(
        "{ __typename }", headers={"X-Request-Id": "bad id\twith spaces"}
    )

    assert response.headers["x-request-id"].startswith("gw_")


async def test_parse_and_validation_errors_have_codes(gateway: Gateway) -> None:
    parse = await gateway.post("{ contacts(first: ")
    invalid = await gateway.post("{ contacts { nodes { nope } } }")
    variables = await gateway.http.post(
        "/graphql",
        json={
            "query": "query($n: Int) { contacts(first: $n) { nodes { id } } }",
            "variables": {"n": "many"},
        },
    )

    assert parse.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert (
        invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    )
    assert variables.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("api_key", ["nds_test_shown", None])
async def test_graphiql_prefilled(api_key: str | None) -> None:
    settings = GatewaySettings(graphiql_api_key=api_key)
    app = create_app(settings)

    async with serving(app) as http:
        response = await http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "contacts(first: 10)" in response.text
    assert ("Bearer nds_test_shown" in response.text) is (api_key is not None)


async def test_health_and_root(gateway: Gateway) -> None:
    health = await gateway.http.get("/healthz")
    root = await gateway.http.get("/")

    assert health.json() == {"status": "ok"}
    assert root.status_code == 307
    assert root.headers["location"] == "/graphql"


async def test_operation_logged_without_credential(
    gateway: Gateway, caplog_info: pytest.LogCaptureFixture
) -> None:
    await gateway.post(
        "query Few { contacts(first: 2) { nodes { id } } }",
        headers={"X-Request-Id": "log-check"},
    )

    lines = [record.getMessage() for record in caplog_info.records]
    operations = [line for line in lines if line.startswith("operation ")]
    upstream = [line for line in lines if line.startswith("upstream ")]
    assert len(operations) == 1
    assert "name=Few" in operations[0] and "upstream_calls=1" in operations[0]
    assert "request_id=log-check" in operations[0]
    assert len(upstream) == 1 and "request_id=log-check" in upstream[0]
    assert not any(DEMO_API_KEY in line for line in lines)


async def test_graphiql_example_query_runs(gateway: Gateway) -> None:
    result = await gateway.execute(EXAMPLE_QUERY)

    assert "errors" not in result, result
    nodes = result["data"]["contacts"]["nodes"]
    assert len(nodes) == 10 and any(node["company"] for node in nodes)
