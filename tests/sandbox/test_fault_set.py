"""The fault set on its own: matching, combining, counting and seeded draws."""

from __future__ import annotations

from sandbox.fault_rules import FaultRule
from sandbox.faults import FaultSet, Outcome

ROUTE = "GET /v1/contacts"


def test_no_matching_rule_plans_nothing():
    faults = FaultSet([FaultRule(route="GET /v1/companies", error_rate=1.0)])

    assert faults.plan_for(ROUTE) is None


def test_matching_rules_add_delays_and_keep_the_slowest_drip():
    faults = FaultSet(
        [
            FaultRule(latency_ms=100, drip_bytes_per_second=500),
            FaultRule(route=ROUTE, hang_seconds=0.5, drip_bytes_per_second=200),
        ]
    )

    plan = faults.plan_for(ROUTE)

    assert plan is not None
    assert plan.delay_seconds == 0.6
    assert plan.drip_bytes_per_second == 200
    assert plan.outcome is None


def test_first_rule_that_picks_a_failure_decides():
    faults = FaultSet(
        [
            FaultRule(rate_limit_rate=1.0, retry_after=9),
            FaultRule(error_rate=1.0),
        ]
    )

    plan = faults.plan_for(ROUTE)

    assert plan is not None
    assert (plan.outcome, plan.retry_after) == (Outcome.RATE_LIMIT, 9)


def test_shares_split_the_requests():
    faults = FaultSet([FaultRule(reset_rate=0.25, error_rate=0.25, malformed_rate=0.5)])

    outcomes = [plan.outcome for plan in map(faults.plan_for, [ROUTE] * 400) if plan]

    assert len(outcomes) == 400
    assert 60 <= outcomes.count(Outcome.RESET) <= 140
    assert 60 <= outcomes.count(Outcome.ERROR) <= 140
    assert 150 <= outcomes.count(Outcome.MALFORMED) <= 250


def test_jitter_stays_in_range_and_replays_after_replace():
    rules = [FaultRule(jitter_ms=50)]
    faults = FaultSet(rules)
    first = [plan.delay_seconds for plan in map(faults.plan_for, [ROUTE] * 20) if plan]

    faults.replace(rules)
    again = [plan.delay_seconds for plan in map(faults.plan_for, [ROUTE] * 20) if plan]

    assert first == again
    assert all(0 <= delay <= 0.05 for delay in first)
    assert len(set(first)) > 10


def test_count_counts_matching_requests_only():
    faults = FaultSet([FaultRule(route=ROUTE, error_rate=1.0, count=2)])

    faults.plan_for("GET /v1/companies")
    plans = [faults.plan_for(ROUTE) for _ in range(3)]

    assert [plan is not None for plan in plans] == [True, True, False]
    assert faults.rules() == []
