"""Rate limits: plans, the five headers, burst and daily 429s, the limiter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sandbox import CONTACTS_ONLY_API_KEY, SandboxSettings, create_app
from sandbox.plans import WorkspacePlan
from sandbox.rate_limits import UNLIMITED, RateLimiter
from tests.sandbox.helpers import (
    ADMIN,
    ADMIN_TOKEN,
    DEMO_AUTH,
    RATE_LIMIT_HEADERS,
    client_for,
    error_of,
    set_plan,
)

FREE = WorkspacePlan("free", 1000, 5)


def _next_midnight() -> int:
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    return int(datetime.combine(tomorrow, datetime.min.time(), UTC).timestamp())


async def test_rate_limit_headers_on_every_api_response(client: httpx.AsyncClient):
    responses = [
        await client.get("/v1/contacts"),
        await client.get("/v1/contacts/ct_missing"),
        await client.post("/v1/companies", json={}),
        await client.get("/v1/nowhere"),
    ]

    for response in responses:
        assert all(name in response.headers for name in RATE_LIMIT_HEADERS)
    last = responses[-1].headers
    assert last["X-RateLimit-Limit"] == str(UNLIMITED)
    assert last["X-RateLimit-Remaining"] == str(UNLIMITED - 4)
    assert last["X-RateLimit-Burst-Limit"] == "1000000"
    assert last["X-RateLimit-Reset"] == str(_next_midnight())


async def test_unauthenticated_responses_have_no_rate_limit_headers(
    anonymous: httpx.AsyncClient,
):
    response = await anonymous.get("/v1/contacts")

    assert response.status_code == 401
    assert not any(name in response.headers for name in RATE_LIMIT_HEADERS)


async def test_free_plan_refuses_once_burst_is_spent(client: httpx.AsyncClient):
    await set_plan(client, "free")

    responses = [await client.get("/v1/custom-fields") for _ in range(6)]

    assert [r.status_code for r in responses] == [200] * 5 + [429]
    assert [r.headers["X-RateLimit-Burst-Remaining"] for r in responses] == [
        "4",
        "3",
        "2",
        "1",
        "0",
        "0",
    ]
    refused = responses[-1]
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["X-RateLimit-Limit"] == "1000"
    assert refused.headers["X-RateLimit-Remaining"] == "995"
    assert refused.headers["X-RateLimit-Burst-Limit"] == "5"
    assert error_of(refused) == {
        "code": "RATE_LIMITED",
        "message": "Rate limit exceeded. Per-second burst limit of 5 requests"
        " exceeded for the Free plan.",
        "retry_after": 1,
        "upgrade_url": "https://nodestash.io/pricing",
    }


async def test_daily_quota_refuses_until_midnight(client: httpx.AsyncClient):
    await set_plan(client, "starter", daily_limit=3)

    responses = [await client.get("/v1/companies") for _ in range(4)]

    refused = responses[-1]
    error = error_of(refused)
    seconds_left = _next_midnight() - datetime.now(UTC).timestamp()
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert error["message"] == (
        "Rate limit exceeded. Daily quota of 3 requests exceeded for the Starter plan."
    )
    assert abs(error["retry_after"] - seconds_left) <= 2
    assert refused.headers["Retry-After"] == str(error["retry_after"])


async def test_plan_is_per_workspace_not_per_key(
    client: httpx.AsyncClient,
    other_client: httpx.AsyncClient,
    contacts_only: httpx.AsyncClient,
):
    await set_plan(client, "free", api_key=CONTACTS_ONLY_API_KEY, burst_limit=2)

    demo = [(await client.get("/v1/contacts")).status_code for _ in range(2)]
    shared = await contacts_only.get("/v1/contacts")
    other = await other_client.get("/v1/contacts")

    assert demo == [200, 200]
    assert shared.status_code == 429
    assert other.status_code == 200


async def test_disabled_limits_still_count_and_report():
    app = create_app(SandboxSettings(admin_token=ADMIN_TOKEN, rate_limits=False))
    async with client_for(app, DEMO_AUTH) as client:
        await set_plan(client, "free", burst_limit=2)
        responses = [await client.get("/v1/contacts") for _ in range(4)]

    assert [r.status_code for r in responses] == [200] * 4
    assert responses[-1].headers["X-RateLimit-Burst-Remaining"] == "0"
    assert responses[-1].headers["X-RateLimit-Remaining"] == "996"
    app.state.sandbox.store.close()


async def test_plan_admin_api_reads_and_sets_plans(client: httpx.AsyncClient):
    path = f"/_admin/workspaces/{CONTACTS_ONLY_API_KEY}/plan"

    default = await client.get(path, headers=ADMIN)
    pro = await client.put(path, json={"plan": "pro"}, headers=ADMIN)
    custom = await client.put(
        path,
        json={"plan": "free", "daily_limit": 50, "burst_limit": 9},
        headers=ADMIN,
    )
    current = await client.get(path, headers=ADMIN)

    assert default.json() == {
        "plan": "sandbox",
        "daily_limit": None,
        "burst_limit": 1000000,
    }
    assert pro.json() == {"plan": "pro", "daily_limit": 250000, "burst_limit": 50}
    assert custom.json() == {"plan": "free", "daily_limit": 50, "burst_limit": 9}
    assert current.json() == custom.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"plan": "gold"}, "plan", id="unknown-plan"),
        pytest.param({"plan": "free", "burst_limit": 0}, "burst_limit", id="zero"),
        pytest.param({}, "plan", id="no-plan"),
        pytest.param({"plan": "free", "extra": 1}, "extra", id="unknown-field"),
    ],
)
async def test_plan_admin_api_refuses_bad_bodies(
    client: httpx.AsyncClient, body: dict[str, object], field: str
):
    response = await client.put(
        f"/_admin/workspaces/{CONTACTS_ONLY_API_KEY}/plan", json=body, headers=ADMIN
    )

    assert response.status_code == 400
    assert [d["field"] for d in error_of(response)["details"]] == [field]


async def test_plan_admin_api_unknown_key_is_404(client: httpx.AsyncClient):
    response = await client.get("/_admin/workspaces/nds_test_nope/plan", headers=ADMIN)

    assert response.status_code == 404
    assert error_of(response)["message"] == "API key not found"


async def test_plan_change_starts_usage_afresh(client: httpx.AsyncClient):
    await set_plan(client, "free", burst_limit=1)
    await client.get("/v1/contacts")

    await set_plan(client, "free", burst_limit=1)
    response = await client.get("/v1/contacts")

    assert response.status_code == 200


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.wall = datetime(2026, 3, 1, 23, 59, 58, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.now

    def utc_now(self) -> datetime:
        return self.wall


def test_limiter_window_slides_by_one_second():
    clock = _Clock()
    limiter = RateLimiter(enforce=True, clock=clock.monotonic, utc_now=clock.utc_now)
    for _ in range(5):
        assert limiter.admit("ws", FREE).refusal is None
    clock.now += 0.6
    refused = limiter.admit("ws", FREE).refusal

    clock.now += 0.4
    admitted = limiter.admit("ws", FREE)

    assert refused is not None and refused.retry_after == 1
    assert admitted.refusal is None
    assert admitted.headers["X-RateLimit-Remaining"] == "994"


def test_limiter_refusals_do_not_count():
    clock = _Clock()
    limiter = RateLimiter(enforce=True, clock=clock.monotonic, utc_now=clock.utc_now)
    plan = WorkspacePlan("free", 2, 100)
    verdicts = [limiter.admit("ws", plan) for _ in range(4)]

    assert [v.refusal is None for v in verdicts] == [True, True, False, False]
    assert verdicts[-1].headers["X-RateLimit-Remaining"] == "0"


def test_limiter_daily_quota_resets_at_midnight_utc():
    clock = _Clock()
    limiter = RateLimiter(enforce=True, clock=clock.monotonic, utc_now=clock.utc_now)
    plan = WorkspacePlan("free", 1, 100)
    limiter.admit("ws", plan)
    refused = limiter.admit("ws", plan).refusal

    clock.wall += timedelta(seconds=3)
    clock.now += 3
    after_midnight = limiter.admit("ws", plan)

    assert refused is not None and refused.retry_after == 2
    assert after_midnight.refusal is None
    assert after_midnight.headers["X-RateLimit-Reset"] == str(
        int(datetime(2026, 3, 3, tzinfo=UTC).timestamp())
    )
