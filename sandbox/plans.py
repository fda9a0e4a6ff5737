"""Workspace plans and their rate limits (nodestash-api.md §7), kept in the store.

The five nodestash plans are here with their documented limits, plus
`sandbox`, the plan every seeded workspace starts on: no daily quota and a
burst of 1,000,000 requests per second, so tests and benchmarks are never
throttled unless they pick a plan. A workspace's plan may override the
daily and burst limits; plans live in the `workspaces` table, so a file
database keeps them across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.database import Store

__all__ = ["PLANS", "Plan", "WorkspacePlan", "read_plan", "write_plan"]


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan's display name and limits; `daily_limit` None is unlimited."""

    label: str
    daily_limit: int | None
    burst_limit: int


PLANS: dict[str, Plan] = {
    "free": Plan("Free", 1_000, 5),
    "starter": Plan("Starter", 25_000, 25),
    "pro": Plan("Pro", 250_000, 50),
    "scale": Plan("Scale", 2_000_000, 200),
    "enterprise": Plan("Enterprise", None, 500),
    "sandbox": Plan("Sandbox", None, 1_000_000),
}


@dataclass(frozen=True, slots=True)
class WorkspacePlan:
    """The plan a workspace is on, with any overrides applied."""

    name: str
    daily_limit: int | None
    burst_limit: int

    @property
    def label(self) -> str:
        return PLANS[self.name].label

    def as_json(self) -> dict[str, object]:
        return {
            "plan": self.name,
            "daily_limit": self.daily_limit,
            "burst_limit": self.burst_limit,
        }


def read_plan(store: Store, workspace_id: str) -> WorkspacePlan:
    row = store.connection.execute(
        "SELECT plan, daily_limit, burst_limit FROM workspaces WHERE id = ?",
        (workspace_id,),
    ).fetchone()
    name = row["plan"] if row is not None and row["plan"] in PLANS else "sandbox"
    plan = PLANS[name]
    if row is None:
        return WorkspacePlan(name, plan.daily_limit, plan.burst_limit)
    daily = row["daily_limit"] or plan.daily_limit
    return WorkspacePlan(name, daily, row["burst_limit"] or plan.burst_limit)


def write_plan(
    store: Store,
    workspace_id: str,
    *,
    name: str,
    daily_limit: int | None = None,
    burst_limit: int | None = None,
) -> WorkspacePlan:
    """Put the workspace on plan `name`, with optional limit overrides."""
    store.connection.execute(
        "UPDATE workspaces SET plan = ?, daily_limit = ?, burst_limit = ? WHERE id = ?",
        (name, daily_limit, burst_limit, workspace_id),
    )
    return read_plan(store, workspace_id)
