"""Request counters behind the admin API (`GET /_admin/stats`).

Every request under `/v1` is counted by `"<METHOD> <route template>"`, e.g.
`"GET /v1/contacts/{id}"`, whatever its status. A `/v1` request that matches
no route is counted as `"<METHOD> /v1/*"`. Admin requests are not counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sandbox.types import JsonObject

__all__ = ["RequestCounter", "RequestStats"]


@dataclass(frozen=True, slots=True)
class RequestStats:
    requests: dict[str, int]
    total: int

    def as_json(self) -> JsonObject:
        return {"requests": self.requests, "total": self.total}


class RequestCounter:
    """Counts requests per route key until `reset()`."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def record(self, key: str) -> None:
        self._counts[key] += 1

    def snapshot(self) -> RequestStats:
        return RequestStats(dict(sorted(self._counts.items())), self._counts.total())

    def reset(self) -> None:
        self._counts.clear()
