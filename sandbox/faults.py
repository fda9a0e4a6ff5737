"""The fault rules in force, and what they decide for each request.

Each `/v1` request is matched against every rule in order. Every matching
rule adds its delays (`latency_ms`, a uniform draw from `0..jitter_ms`,
`hang_seconds`) and may slow the body (`drip_bytes_per_second`; the slowest
rate wins). Each matching rule with failure fractions draws one number to
pick a failure: the first rule that picks one decides the outcome. A rule
with a `count` expires after that many matching requests, whether or not it
changed them; `rules()` reports the counts left.

Draws come from a `random.Random` seeded with `FAULT_SEED`, reseeded
whenever the rules are replaced, so a given sequence of requests meets the
same faults on every run; `1.0` always applies and `0.0` never does.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterable
from dataclasses import dataclass

from sandbox.fault_rules import FaultRule

__all__ = ["FAULT_SEED", "FaultPlan", "FaultSet", "Outcome"]

FAULT_SEED = 20260115


class Outcome(enum.Enum):
    """How a request fails instead of being answered normally."""

    RESET = "reset"
    ERROR = "error"
    RATE_LIMIT = "rate_limit"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """What to do to one request."""

    delay_seconds: float = 0.0
    drip_bytes_per_second: int | None = None
    outcome: Outcome | None = None
    retry_after: int = 1

    @property
    def changes_anything(self) -> bool:
        return bool(self.delay_seconds or self.drip_bytes_per_second or self.outcome)


@dataclass(slots=True)
class _Active:
    rule: FaultRule
    remaining: int | None


class FaultSet:
    """The rules in force and the seeded random source they draw from."""

    def __init__(self, rules: Iterable[FaultRule] = ()) -> None:
        self._active: list[_Active] = []
        self._random = random.Random(FAULT_SEED)
        self.replace(rules)

    def replace(self, rules: Iterable[FaultRule]) -> None:
        """Put `rules` in force instead of the current ones, and reseed."""
        self._active = [_Active(rule, rule.count) for rule in rules]
        self._random = random.Random(FAULT_SEED)

    def rules(self) -> list[FaultRule]:
        """The rules in force, each with the `count` it has left."""
        return [
            active.rule.model_copy(update={"count": active.remaining})
            for active in self._active
        ]

    def plan_for(self, route: str) -> FaultPlan | None:
        """What the rules do to the next request for `route`; None: nothing."""
        matching = [
            active for active in self._active if active.rule.route in (None, route)
        ]
        if not matching:
            return None
        self._consume(matching)
        plan = FaultPlan()
        for active in matching:
            plan = self._apply(active.rule, plan)
        return plan if plan.changes_anything else None

    def _consume(self, matching: list[_Active]) -> None:
        for active in matching:
            if active.remaining is not None:
                active.remaining -= 1
        self._active = [a for a in self._active if a.remaining != 0]

    def _apply(self, rule: FaultRule, plan: FaultPlan) -> FaultPlan:
        delay = rule.latency_ms / 1000 + rule.hang_seconds
        if rule.jitter_ms:
            delay += self._random.uniform(0, rule.jitter_ms) / 1000
        drip = _slowest(plan.drip_bytes_per_second, rule.drip_bytes_per_second)
        outcome, retry_after = plan.outcome, plan.retry_after
        if rule.failure_share and outcome is None:
            outcome = self._pick_outcome(rule)
            retry_after = rule.retry_after
        return FaultPlan(
            delay_seconds=plan.delay_seconds + delay,
            drip_bytes_per_second=drip,
            outcome=outcome,
            retry_after=retry_after,
        )

    def _pick_outcome(self, rule: FaultRule) -> Outcome | None:
        draw = self._random.random()
        shares = (
            (Outcome.RESET, rule.reset_rate),
            (Outcome.ERROR, rule.error_rate),
            (Outcome.RATE_LIMIT, rule.rate_limit_rate),
            (Outcome.MALFORMED, rule.malformed_rate),
        )
        bound = 0.0
        for outcome, share in shares:
            bound += share
            if share and draw < bound:
                return outcome
        return None


def _slowest(first: int | None, second: int | None) -> int | None:
    rates = [rate for rate in (first, second) if rate is not None]
    return min(rates) if rates else None
