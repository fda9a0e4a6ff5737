"""State that outlives a request: persisted documents, cached definitions and
each credential's upstream rate budget.

``LocalState`` keeps it in the process. With ``REDIS_URL`` set,
``gateway.redis_state.RedisState`` keeps it in Redis instead, shared by every
worker and replica. Anything keyed by a credential is keyed by its hash.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

from gateway.cache import TTLCache
from gateway.records import Record
from gateway.resilience import Pacers

__all__ = ["Fetch", "LocalState", "SharedState", "load_once"]

Fetch = Callable[[], Awaitable[list[Record]]]

_DOCUMENTS = 10_000


class SharedState(Protocol):
    """What the gateway keeps between requests, wherever it lives."""

    async def document(self, digest: str) -> str | None:
        """The query text registered under a SHA-256 hex digest."""
        ...

    async def register_document(self, digest: str, query: str) -> None: ...

    async def definitions(self, owner: str, entity_type: str) -> list[Record] | None:
        """Cached definitions of an entity type for a credential hash."""
        ...

    async def store_definitions(
        self, owner: str, entity_type: str, records: list[Record]
    ) -> None: ...

    async def drop_definitions(self, owner: str, entity_type: str | None) -> None:
        """Forget one entity type's definitions, or all of them when None."""
        ...

    async def load_definitions(
        self, owner: str, entity_type: str, fetch: Fetch
    ) -> list[Record]:
        """Cached definitions, else ``fetch()``ed once however many ask at once."""
        ...

    async def acquire_call(self, owner: str, *, deadline: float | None) -> None:
        """Wait until the credential's burst budget has room for one call."""
        ...

    async def observe_limits(self, owner: str, headers: Mapping[str, str]) -> None:
        """Learn the burst budget from an upstream response's headers."""
        ...

    async def aclose(self) -> None: ...


class LocalState:
    """``SharedState`` for one process."""

    def __init__(self, *, definitions_ttl: float) -> None:
        self._documents: OrderedDict[str, str] = OrderedDict()
        self.definitions_cache: TTLCache[list[Record]] = TTLCache(ttl=definitions_ttl)
        self._pacers = Pacers()
        self._flights: dict[tuple[str, str], asyncio.Future[list[Record]]] = {}

    async def document(self, digest: str) -> str | None:
        query = self._documents.get(digest)
        if query is not None:
            self._documents.move_to_end(digest)
        return query

    async def register_document(self, digest: str, query: str) -> None:
        self._documents[digest] = query
        self._documents.move_to_end(digest)
        while len(self._documents) > _DOCUMENTS:
            self._documents.popitem(last=False)

    async def definitions(self, owner: str, entity_type: str) -> list[Record] | None:
        return self.definitions_cache.get(owner, entity_type)

    async def store_definitions(
        self, owner: str, entity_type: str, records: list[Record]
    ) -> None:
        self.definitions_cache.put(owner, entity_type, records)

    async def drop_definitions(self, owner: str, entity_type: str | None) -> None:
        self.definitions_cache.drop(owner, entity_type)

    async def load_definitions(
        self, owner: str, entity_type: str, fetch: Fetch
    ) -> list[Record]:
        return await load_once(self, self._flights, owner, entity_type, fetch)

    async def acquire_call(self, owner: str, *, deadline: float | None) -> None:
        await self._pacers.get(owner).acquire(deadline=deadline)

    async def observe_limits(self, owner: str, headers: Mapping[str, str]) -> None:
        self._pacers.get(owner).observe(headers)

    async def aclose(self) -> None:
        return None


async def load_once(
    state: SharedState,
    flights: dict[tuple[str, str], asyncio.Future[list[Record]]],
    owner: str,
    entity_type: str,
    fetch: Fetch,
) -> list[Record]:
    """Definitions from ``state``, or one fetch shared by every concurrent ask.

    When the cache is empty (or just expired) and many requests of one
    credential need the same definitions, only the first fetches them; the
    others wait for its answer. The fetch runs as its own task, so a caller
    that gives up does not cancel it for the rest.
    """
    cached = await state.definitions(owner, entity_type)
    if cached is not None:
        return cached
    key = (owner, entity_type)
    flight = flights.get(key)
    if flight is None:
        flight = asyncio.ensure_future(
            _fetch_and_store(state, owner, entity_type, fetch)
        )
        flights[key] = flight
        flight.add_done_callback(lambda _: flights.pop(key, None))
    return await asyncio.shield(flight)


async def _fetch_and_store(
    state: SharedState, owner: str, entity_type: str, fetch: Fetch
) -> list[Record]:
    records = await fetch()
    await state.store_definitions(owner, entity_type, records)
    return records
