"""Caches that outlive a request, always keyed by a hash of the credential.

Only custom field definitions are cached across requests: they change
rarely, every contact and company read needs them, and nodestash sends them
whole in one call. Entries expire after a short TTL and are dropped at once
when a definition is created, changed or deleted through this gateway;
changes made elsewhere show after the TTL at the latest.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["TTLCache"]

V = TypeVar("V")


class TTLCache(Generic[V]):
    """A bounded in-process cache whose entries expire.

    Keys are ``(credential hash, name)``: one credential can never read what
    another stored.
    """

    def __init__(self, *, ttl: float, capacity: int = 10_000) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, str], tuple[float, V]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, owner: str, name: str) -> V | None:
        entry = self._entries.get((owner, name))
        if entry is None or entry[0] <= time.monotonic():
            self.misses += 1
            return None
        self.hits += 1
        return entry[1]

    def put(self, owner: str, name: str, value: V) -> None:
        if self.ttl <= 0:
            return
        key = (owner, name)
        self._entries.pop(key, None)
        self._entries[key] = (time.monotonic() + self.ttl, value)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def drop(self, owner: str, name: str | None = None) -> None:
        """Forget one entry, or every entry of an owner."""
        if name is not None:
            self._entries.pop((owner, name), None)
            return
        for key in [key for key in self._entries if key[0] == owner]:
            del self._entries[key]
