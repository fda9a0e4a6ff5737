"""The README's GraphQL examples run as written against the demo data."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Gateway

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
BLOCKS = [block.split("```")[0] for block in README.split("```graphql")[1:]]
EXAMPLES = {
    name.group(1): block
    for block in BLOCKS
    if (name := re.match(r"\s*(?:query|mutation) (\w+)", block))
}


def test_readme_has_the_examples() -> None:
    assert len(BLOCKS) == len(EXAMPLES) == 3
    assert set(EXAMPLES) == {"VipContacts", "CreateAda", "UpdateAda"}


async def test_readme_query_runs(gateway: Gateway) -> None:
    result = await gateway.execute(EXAMPLES["VipContacts"])

    assert "errors" not in result, result
    nodes = result["data"]["contacts"]["nodes"]
    assert nodes and any(node["customFields"] for node in nodes)


async def test_readme_mutations_run_in_order(gateway: Gateway) -> None:
    created = await gateway.execute(EXAMPLES["CreateAda"])
    contact = created["data"]["createContact"]["contact"]

    updated = await gateway.execute(EXAMPLES["UpdateAda"], {"id": contact["id"]})

    assert "errors" not in created and "errors" not in updated, (created, updated)
    assert updated["data"]["updateContact"]["contact"] == {
        "id": contact["id"],
        "firstName": "Ada",
        "lastName": None,
        "title": "Head of Ops",
        "customFields": [{"slug": "tier", "rawValue": "platinum"}],
    }
