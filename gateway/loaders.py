"""Request-scoped DataLoaders: every record fetched at most once per request.

nodestash has no batch endpoint (nodestash-api.md §14), so a batch here is a
set of deduplicated single-record calls sent concurrently; the client's
per-credential gate keeps the fan-out within bounds. Loaders are created per
request inside the running loop and bound to one caller, so nothing they
cache can reach another credential.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiodataloader import DataLoader

from gateway.metrics import observe_batch
from gateway.nodestash import NodestashAPI, Resource
from gateway.records import Record
from gateway.shared import SharedState

__all__ = ["DefinitionSet", "Loaders", "RecordLoader"]

_MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class DefinitionSet:
    """Every custom field definition of one entity type, indexed by slug."""

    entity_type: str
    definitions: tuple[Record, ...]
    by_slug: dict[str, Record] = field(init=False)

    def __post_init__(self) -> None:
        by_slug = {definition["slug"]: definition for definition in self.definitions}
        object.__setattr__(self, "by_slug", by_slug)


class RecordLoader(DataLoader[str, Record | None]):
    """Loads records of one resource by id; a missing id loads as None."""

    def __init__(self, api: NodestashAPI, resource: Resource) -> None:
        super().__init__(loop=asyncio.get_running_loop())
        self.batches: set[asyncio.Task[Any]] = set()
        self.api = api
        self.resource = resource
        self._known: dict[str, Record] = {}

    # Each result is a record, None, or that key's own exception (aiodataloader
    # rejects just that key), which its annotations cannot say: hence Any.
    async def batch_load_fn(self, ids: Sequence[str]) -> list[Any]:
        with _tracked(self.batches):
            return await self._load_batch(ids)

    async def _load_batch(self, ids: Sequence[str]) -> list[Any]:
        observe_batch(self.resource.path.strip("/"), len(ids))
        results = await asyncio.gather(
            *(self._fetch(record_id) for record_id in ids), return_exceptions=True
        )
        return [_value_or_error(result) for result in results]

    async def _fetch(self, record_id: str) -> Record | None:
        return await self.api.get(self.resource, record_id)

    def prime_many(self, records: Iterable[Record]) -> None:
        """Remember records a list returned, in case the request loads them.

        Most listed records are never loaded by id, so they are only turned
        into cached futures when someone asks for them.
        """
        for record in records:
            self._known.setdefault(record["id"], record)

    def load(self, key: str) -> asyncio.Future[Record | None]:
        known = self._known.pop(key, None)
        if known is not None:
            self.prime(key, known)
        future: asyncio.Future[Record | None] = super().load(key)
        return future

    def clear(self, key: str) -> RecordLoader:
        self._known.pop(key, None)
        super().clear(key)
        return self

    def clear_all(self) -> RecordLoader:
        self._known.clear()
        super().clear_all()
        return self

    def replace(self, record: Record) -> None:
        self.clear(record["id"]).prime(record["id"], record)


class _ContactLoader(RecordLoader):
    """Contacts by id; ids asked for with their company use ``include=company``.

    ``include=company`` is only offered on single-contact reads, so it costs
    nothing extra and saves the company call (nodestash-api.md §10.4).
    """

    def __init__(self, api: NodestashAPI, companies: RecordLoader) -> None:
        super().__init__(api, api.contacts)
        self.companies = companies
        self.with_company: set[str] = set()

    def load_with_company(self, record_id: str) -> asyncio.Future[Record | None]:
        self.with_company.add(record_id)
        future: asyncio.Future[Record | None] = self.load(record_id)
        return future

    async def _fetch(self, record_id: str) -> Record | None:
        if record_id not in self.with_company:
            return await super()._fetch(record_id)
        record = await self.api.get(self.resource, record_id, include="company")
        company = record.get("company") if record else None
        if isinstance(company, dict) and isinstance(company.get("id"), str):
            self.companies.prime(company["id"], company)
        return record


class _DefinitionSetLoader(DataLoader[str, DefinitionSet]):
    """All definitions of an entity type, read through every page."""

    def __init__(
        self,
        api: NodestashAPI,
        definitions: RecordLoader,
        state: SharedState | None,
    ) -> None:
        super().__init__(loop=asyncio.get_running_loop())
        self.batches: set[asyncio.Task[Any]] = set()
        self.api = api
        self.definitions = definitions
        self.state = state

    async def batch_load_fn(self, entity_types: Sequence[str]) -> list[Any]:
        with _tracked(self.batches):
            return await self._load_batch(entity_types)

    async def _load_batch(self, entity_types: Sequence[str]) -> list[Any]:
        observe_batch("definition-sets", len(entity_types))
        results = await asyncio.gather(
            *(self._fetch(entity_type) for entity_type in entity_types),
            return_exceptions=True,
        )
        return [_value_or_error(result) for result in results]

    async def _fetch(self, entity_type: str) -> DefinitionSet:
        if self.state is None:
            records = await self._read_all(entity_type)
        else:
            records = await self.state.load_definitions(
                self.api.caller.key, entity_type, lambda: self._read_all(entity_type)
            )
        self.definitions.prime_many(records)
        return DefinitionSet(entity_type, tuple(records))

    async def forget(self, entity_type: str | None = None) -> None:
        """Drop definitions after a change, here and in the shared state."""
        if entity_type is None:
            self.clear_all()
        else:
            self.clear(entity_type)
        if self.state is not None:
            await self.state.drop_definitions(self.api.caller.key, entity_type)

    async def _read_all(self, entity_type: str) -> list[Record]:
        params = {"entity_type": entity_type, "limit": str(_MAX_PAGE)}
        records: list[Record] = []
        while True:
            page = await self.api.page(self.api.definitions, params)
            records.extend(page.records)
            if not page.has_more or page.next_cursor is None:
                break
            params = {**params, "cursor": page.next_cursor}
        return records


class Loaders:
    """The DataLoaders of one request, all bound to its caller."""

    def __init__(
        self,
        api: NodestashAPI,
        state: SharedState | None = None,
    ) -> None:
        self.companies = RecordLoader(api, api.companies)
        self.contacts = _ContactLoader(api, self.companies)
        self.definitions = RecordLoader(api, api.definitions)
        self.definition_sets = _DefinitionSetLoader(api, self.definitions, state)
        # One set for all: every batch in flight for this request.
        self.batches: set[asyncio.Task[Any]] = set()
        for loader in (self.companies, self.contacts, self.definitions):
            loader.batches = self.batches
        self.definition_sets.batches = self.batches

    def cancel(self) -> None:
        """Stop every batch still in flight: nobody will read its answer.

        Batches run in tasks of their own (aiodataloader dispatches them), so
        cancelling the operation alone would leave their calls and retries
        going.
        """
        for task in list(self.batches):
            task.cancel()

    def prefetch_definitions(self, entity_type: str) -> None:
        """Start loading an entity type's definitions without waiting for them.

        Used when a selection will need them, so their call runs alongside the
        list call instead of after it. The future is kept in the loader's
        cache; whoever needs it awaits it there.
        """
        future = self.definition_sets.load(entity_type)
        future.add_done_callback(_consume_exception)


@contextmanager
def _tracked(tasks: set[asyncio.Task[Any]]) -> Iterator[None]:
    task = asyncio.current_task()
    if task is not None:
        tasks.add(task)
    try:
        yield
    finally:
        if task is not None:
            tasks.discard(task)


def _value_or_error(result: Any) -> Any:
    if isinstance(result, BaseException) and not isinstance(result, Exception):
        raise result
    return result


def _consume_exception(future: asyncio.Future[Any]) -> None:
    # The failure reaches whoever awaits the cached future; marking it as
    # retrieved keeps asyncio from reporting it a second time if nobody does.
    if not future.cancelled():
        future.exception()
