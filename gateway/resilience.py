"""How the upstream client copes with a failing or busy nodestash.

- ``RetryPolicy``: capped exponential backoff with jitter; the client retries
  only reads and writes that carry an ``Idempotency-Key``.
- ``CircuitBreaker``: after repeated failures of a host, calls fail fast for
  a cool-down, then one trial call decides whether it closes again.
- ``Pacer``: a sliding one-second window per credential, sized from nodestash's
  ``X-RateLimit-Burst-*`` headers (nodestash-api.md §7), so a wide fan-out
  slows down before nodestash answers 429.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["CircuitBreaker", "Pacer", "Pacers", "RetryPolicy"]

# nodestash's burst limit is per second (nodestash-api.md §7); the extra tenth
# of a second absorbs the jitter between our clock and nodestash's.
_WINDOW = 1.1


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to try a call and how long to wait in between.

    Attributes:
        attempts: tries in all, the first included.
        base_delay: seconds before the first retry, doubled for each next one.
        max_delay: the longest wait between two tries.
        max_retry_after: the longest ``Retry-After`` worth waiting for; a
            longer one is handed to the client as ``RATE_LIMITED``.
    """

    attempts: int = 3
    base_delay: float = 0.1
    max_delay: float = 2.0
    max_retry_after: float = 5.0

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0**retry)
        # "Equal jitter": never less than half the ceiling, so retries of many
        # callers spread out without ever hammering immediately.
        return ceiling / 2 + random.uniform(0, ceiling / 2)


class CircuitBreaker:
    """Fails fast while a host keeps failing, and tries again after a pause."""

    def __init__(self, *, threshold: int = 5, cooldown: float = 10.0) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.opened_at: float | None = None
        self.trial_running = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if time.monotonic() - self.opened_at >= self.cooldown:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        """Whether a call may go out now; a half-open breaker lets one through."""
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self.trial_running:
            self.trial_running = True
            return True
        return False

    def succeeded(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.trial_running = False

    def failed(self) -> None:
        self.failures += 1
        if self.trial_running or self.failures >= self.threshold:
            self.opened_at = time.monotonic()
        self.trial_running = False

    def released(self) -> None:
        """A trial call ended without telling anything about the host."""
        self.trial_running = False


class Pacer:
    """Keeps one credential's calls within the burst nodestash announced.

    nodestash counts calls per workspace per second; the pacer remembers when
    the calls of the last second went out and holds a new one back until the
    window has room. What nodestash reports as used but the pacer did not
    send (other processes using the same key) counts as sent just now.
    """

    def __init__(self) -> None:
        self.limit: int | None = None
        self.sent: deque[float] = deque()

    async def acquire(self, *, deadline: float | None) -> None:
        """Wait for room in the window; at the deadline, send anyway.

        Sending at the deadline is no worse than not pacing: nodestash then
        answers 429 and the client handles it.
        """
        while self.limit is not None:
            now = time.monotonic()
            self._forget(now)
            if len(self.sent) < self.limit:
                self.sent.append(now)
                return
            wait = self.sent[0] + _WINDOW - now
            if deadline is not None and now + wait > deadline:
                return
            await asyncio.sleep(wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the burst limit and what is left of it from a response."""
        limit = _number(headers.get("x-ratelimit-burst-limit"))
        if limit is None or limit < 1:
            return
        self.limit = int(limit)
        remaining = _number(headers.get("x-ratelimit-burst-remaining"))
        now = time.monotonic()
        self._forget(now)
        if remaining is not None:
            used = self.limit - int(remaining)
            self.sent.extend([now] * max(0, used - len(self.sent)))

    def _forget(self, now: float) -> None:
        while self.sent and now - self.sent[0] >= _WINDOW:
            self.sent.popleft()


class Pacers:
    """One ``Pacer`` per credential hash, the least recently used dropped first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._pacers: OrderedDict[str, Pacer] = OrderedDict()

    def get(self, key: str) -> Pacer:
        pacer = self._pacers.pop(key, None) or Pacer()
        self._pacers[key] = pacer
        if len(self._pacers) > self.capacity:
            self._pacers.popitem(last=False)
        return pacer


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
