"""Per-workspace rate limits: a daily quota and a per-second burst (§7, §2.3).

Sandbox choices where the docs are silent:

- Every `/v1` request made with a known API key counts against its
  workspace, whatever its answer (injected faults included); a request
  refused with 429 does not count. Requests without a known key are never
  limited and carry no `X-RateLimit-*` headers: there is no workspace to
  report on.
- The burst limit is a sliding window: at most `burst_limit` requests in any
  one second. The daily quota resets at 00:00 UTC.
- A 429 has the documented body; `retry_after` (and `Retry-After`) is the
  whole number of seconds, at least 1, until a request would be admitted:
  until the oldest request leaves the window, or until midnight UTC.
- An unlimited daily quota is reported as 2147483647 in `X-RateLimit-Limit`
  and `X-RateLimit-Remaining`, so the headers stay integers.
- Usage lives in memory: a restart, or a plan change through the admin API,
  starts the workspace's counts afresh.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.credentials import api_key_of
from sandbox.database import Store
from sandbox.envelopes import error_response, request_id_in
from sandbox.errors import RateLimited
from sandbox.plans import WorkspacePlan, read_plan
from sandbox.routing import is_api_path

__all__ = ["UNLIMITED", "RateLimiter", "RateLimiting", "Verdict"]

UNLIMITED = 2**31 - 1
WINDOW_SECONDS = 1.0


@dataclass(slots=True)
class _Usage:
    day: date
    used: int = 0
    window: deque[float] = field(default_factory=deque)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The headers to send, and the 429 to answer instead when over a limit."""

    headers: dict[str, str]
    refusal: RateLimited | None


class RateLimiter:
    """Counts each workspace's requests and decides whether to admit the next."""

    def __init__(
        self,
        *,
        enforce: bool,
        clock: Callable[[], float] = time.monotonic,
        utc_now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.enforce = enforce
        self._clock = clock
        self._utc_now = utc_now
        self._usage: dict[str, _Usage] = {}

    def forget(self, workspace_id: str) -> None:
        """Start the workspace's counts afresh."""
        self._usage.pop(workspace_id, None)

    def admit(self, workspace_id: str, plan: WorkspacePlan) -> Verdict:
        now, wall = self._clock(), self._utc_now()
        usage = self._current_usage(workspace_id, wall.date())
        while usage.window and usage.window[0] <= now - WINDOW_SECONDS:
            usage.window.popleft()
        refusal = _refusal(usage, plan, now=now, wall=wall) if self.enforce else None
        if refusal is None:
            usage.used += 1
            usage.window.append(now)
        headers = _headers(usage, plan, wall=wall)
        if refusal is not None:
            refusal.headers.update(headers)
        return Verdict(headers, refusal)

    def _current_usage(self, workspace_id: str, day: date) -> _Usage:
        usage = self._usage.get(workspace_id)
        if usage is None or usage.day != day:
            usage = self._usage[workspace_id] = _Usage(day)
        return usage


def _next_midnight(wall: datetime) -> datetime:
    return datetime.combine(wall.date() + timedelta(days=1), datetime.min.time(), UTC)


def _refusal(
    usage: _Usage, plan: WorkspacePlan, *, now: float, wall: datetime
) -> RateLimited | None:
    if plan.daily_limit is not None and usage.used >= plan.daily_limit:
        wait = (_next_midnight(wall) - wall).total_seconds()
        return RateLimited(
            f"Rate limit exceeded. Daily quota of {plan.daily_limit} requests"
            f" exceeded for the {plan.label} plan.",
            retry_after=max(1, math.ceil(wait)),
        )
    if len(usage.window) >= plan.burst_limit:
        wait = usage.window[0] + WINDOW_SECONDS - now
        return RateLimited(
            f"Rate limit exceeded. Per-second burst limit of {plan.burst_limit}"
            f" requests exceeded for the {plan.label} plan.",
            retry_after=max(1, math.ceil(wait)),
        )
    return None


def _headers(usage: _Usage, plan: WorkspacePlan, *, wall: datetime) -> dict[str, str]:
    daily = UNLIMITED if plan.daily_limit is None else plan.daily_limit
    return {
        "X-RateLimit-Limit": str(daily),
        "X-RateLimit-Remaining": str(max(0, daily - usage.used)),
        "X-RateLimit-Reset": str(int(_next_midnight(wall).timestamp())),
        "X-RateLimit-Burst-Limit": str(plan.burst_limit),
        "X-RateLimit-Burst-Remaining": str(
            max(0, plan.burst_limit - len(usage.window))
        ),
    }


class RateLimiting:
    """ASGI middleware: admits or refuses each `/v1` request of a known key."""

    def __init__(self, app: ASGIApp, *, store: Store, limiter: RateLimiter) -> None:
        self.app = app
        self.store = store
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        granted = api_key_of(self.store, Headers(scope=scope).get("authorization", ""))
        if granted is None:
            await self.app(scope, receive, send)
            return
        plan = read_plan(self.store, granted.workspace_id)
        verdict = self.limiter.admit(granted.workspace_id, plan)
        if verdict.refusal is not None:
            response = error_response(verdict.refusal, request_id_in(scope))
            await response(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(verdict.headers)
            await send(message)

        await self.app(scope, receive, send_with_limits)
