"""Two workspaces' requests, interleaved concurrently, never see each other's data."""

from __future__ import annotations

import asyncio

from sandbox import DEMO_API_KEY, OTHER_API_KEY
from tests.conftest import Gateway

QUERY = """
query($ids: [ID!]!) {
  contacts(first: 100) { nodes { id email company { id } } }
  nodes(ids: $ids) { id }
}
"""


async def _ids(gateway: Gateway, key: str) -> set[str]:
    result = await gateway.execute(
        "{ contacts(first: 100) { nodes { id } } companies(first: 100)"
        " { nodes { id } } }",
        key=key,
    )
    data = result["data"]
    return {n["id"] for k in ("contacts", "companies") for n in data[k]["nodes"]}


async def test_interleaved_workspaces_stay_apart(gateway: Gateway) -> None:
    mine = await _ids(gateway, DEMO_API_KEY)
    theirs = await _ids(gateway, OTHER_API_KEY)
    assert mine and theirs and not mine & theirs
    probe = sorted(mine)[:5] + sorted(theirs)[:5]

    keys = [DEMO_API_KEY, OTHER_API_KEY] * 25
    results = await asyncio.gather(
        *(gateway.post(QUERY, {"ids": probe}, key=key) for key in keys)
    )

    for key, response in zip(keys, results, strict=True):
        own = mine if key == DEMO_API_KEY else theirs
        data = response.json()["data"]
        listed = {node["id"] for node in data["contacts"]["nodes"]}
        companies = {
            node["company"]["id"]
            for node in data["contacts"]["nodes"]
            if node["company"]
        }
        found = {node["id"] for node in data["nodes"] if node}
        assert listed <= own and companies <= own
        assert found == set(probe) & own
