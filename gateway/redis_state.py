"""``SharedState`` in Redis, so every worker and replica shares it.

Keys (all under one prefix): ``doc:<sha256>`` for persisted documents,
``defs:<credential hash>:<entity type>`` for cached definitions (expiring
with the definitions TTL), and ``burst:<credential hash>`` /
``burst-limit:<credential hash>`` for the one-second window of calls sent
with a credential. When Redis fails, the gateway carries on without it:
persisted documents this process registered are still found, definitions are
read upstream again, and calls go out unpaced; each failure is logged at
WARNING.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import orjson
import redis.asyncio as redis
from redis.exceptions import RedisError

from gateway.records import Record
from gateway.shared import Fetch, LocalState, load_once

__all__ = ["RedisState"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_DOCUMENT_TTL = 7 * 24 * 3600
_ENTITY_TYPES = ("contact", "company", "deal", "activity")

# One-second sliding window of calls (plus a tenth of a second for network
# jitter), timed by the Redis server's clock so every process agrees. Answers
# 0 when the call may go now (and records it), else the milliseconds until
# the window has room.
_ACQUIRE = """
local limit = tonumber(redis.call('GET', KEYS[2]))
if not limit then return 0 end
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - 1100)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now_ms, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], 2200)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + 1100 - now_ms)
"""


class RedisState:
    """Persisted documents, definitions and rate budgets kept in Redis."""

    def __init__(
        self, url: str, *, definitions_ttl: float, prefix: str = "nsgw:"
    ) -> None:
        self.redis = redis.from_url(url)
        self.prefix = prefix
        self.definitions_ttl = definitions_ttl
        self._acquire = self.redis.register_script(_ACQUIRE)
        self._known_limits: dict[str, int] = {}
        self._flights: dict[tuple[str, str], asyncio.Future[list[Record]]] = {}
        # Documents are also kept here, so persisted queries keep working for
        # this process while Redis is unreachable.
        self._local = LocalState(definitions_ttl=0)

    async def document(self, digest: str) -> str | None:
        value = await self._safely(self.redis.get, self._key("doc", digest))
        if isinstance(value, bytes):
            return value.decode()
        # Registered while Redis was away, or by this process only.
        return await self._local.document(digest)

    async def register_document(self, digest: str, query: str) -> None:
        await self._local.register_document(digest, query)
        key = self._key("doc", digest)
        await self._safely(self.redis.set, key, query, ex=_DOCUMENT_TTL)

    async def definitions(self, owner: str, entity_type: str) -> list[Record] | None:
        value = await self._safely(
            self.redis.get, self._key("defs", owner, entity_type)
        )
        if not isinstance(value, bytes):
            return None
        records: list[Record] = orjson.loads(value)
        return records

    async def store_definitions(
        self, owner: str, entity_type: str, records: list[Record]
    ) -> None:
        if self.definitions_ttl <= 0:
            return
        key = self._key("defs", owner, entity_type)
        ttl_ms = max(1, int(self.definitions_ttl * 1000))
        await self._safely(self.redis.set, key, orjson.dumps(records), px=ttl_ms)

    async def load_definitions(
        self, owner: str, entity_type: str, fetch: Fetch
    ) -> list[Record]:
        return await load_once(self, self._flights, owner, entity_type, fetch)

    async def drop_definitions(self, owner: str, entity_type: str | None) -> None:
        types = (entity_type,) if entity_type else _ENTITY_TYPES
        keys = [self._key("defs", owner, name) for name in types]
        await self._safely(self.redis.delete, *keys)

    async def acquire_call(self, owner: str, *, deadline: float | None) -> None:
        keys = [self._key("burst", owner), self._key("burst-limit", owner)]
        while True:
            wait_ms = await self._safely(
                self._acquire, keys=keys, args=[uuid.uuid4().hex]
            )
            if not wait_ms:
                return
            wait = int(wait_ms) / 1000
            if deadline is not None and time.monotonic() + wait > deadline:
                return
            await asyncio.sleep(wait)

    async def observe_limits(self, owner: str, headers: Mapping[str, str]) -> None:
        raw = headers.get("x-ratelimit-burst-limit")
        if raw is None or not raw.isdigit() or int(raw) < 1:
            return
        limit = int(raw)
        if self._known_limits.get(owner) == limit:
            return
        self._known_limits[owner] = limit
        key = self._key("burst-limit", owner)
        await self._safely(self.redis.set, key, limit, ex=3600)

    async def aclose(self) -> None:
        await self.redis.aclose()

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def _safely(
        self, command: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
    ) -> T | None:
        try:
            return await command(*args, **kwargs)
        except (RedisError, OSError) as error:
            logger.warning(
                "shared state unavailable, carrying on without it: %s", error
            )
            return None
