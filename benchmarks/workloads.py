"""The five workloads: their committed documents and the variables each run sends.

Documents live in ``benchmarks/workloads/*.graphql``. Variables that name
records (W3's twenty ids, W5's contact) come from the seeded data when a run
starts, so the files never carry ids that a fresh sandbox would not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

__all__ = [
    "LOOKUPS",
    "WORKLOADS",
    "WORKLOAD_DIR",
    "Seed",
    "Workload",
    "load_seed",
    "workload",
]

WORKLOAD_DIR = Path(__file__).parent / "workloads"
LOOKUPS = 20


@dataclass(frozen=True, slots=True)
class Seed:
    """Record ids picked from the seeded data, for the workloads that need ids."""

    lookup_ids: tuple[str, ...]
    write_id: str


@dataclass(frozen=True, slots=True)
class Workload:
    """One benchmark operation: its name, its document and how it varies per call."""

    name: str
    title: str
    file: str

    @property
    def document(self) -> str:
        return (WORKLOAD_DIR / self.file).read_text(encoding="utf-8")

    def variables(self, seed: Seed, n: int) -> dict[str, Any]:
        """The variables of the ``n``-th operation of a run."""
        if self.name == "W3":
            return {f"c{i}": contact_id for i, contact_id in enumerate(seed.lookup_ids)}
        if self.name == "W5":
            # Alternating titles make every write a real change.
            return {"id": seed.write_id, "title": f"Benchmark title {n % 2}"}
        return {}


WORKLOADS = (
    Workload("W1", "flat", "w1_flat.graphql"),
    Workload("W2", "nested", "w2_nested.graphql"),
    Workload("W3", "lookups", "w3_lookups.graphql"),
    Workload("W4", "fan-in", "w4_fan_in.graphql"),
    Workload("W5", "write", "w5_write.graphql"),
)


def workload(name: str) -> Workload:
    """The workload called ``name`` (``"W1"`` … ``"W5"``)."""
    for candidate in WORKLOADS:
        if candidate.name == name.upper():
            return candidate
    raise KeyError(name)


async def load_seed(upstream: httpx.AsyncClient) -> Seed:
    """Pick ids from the data behind ``upstream`` (a client on nodestash's ``/v1``).

    W3 looks up twenty contacts that have a company, so every lookup also
    exercises ``company``; W5 writes to the first of them.
    """
    response = await upstream.get("/contacts", params={"limit": "100"})
    response.raise_for_status()
    contacts = [item["attributes"] for item in orjson.loads(response.content)["data"]]
    with_company = [c["id"] for c in contacts if c.get("company_id")]
    if len(with_company) < LOOKUPS:
        raise RuntimeError(
            f"the seeded data has {len(with_company)} contacts with a company "
            f"among its newest 100; the lookups need {LOOKUPS}"
        )
    ids = tuple(with_company[:LOOKUPS])
    return Seed(lookup_ids=ids, write_id=ids[0])
