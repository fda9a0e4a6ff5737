"""Connections over nodestash's cursor lists, with a resumable cursor per edge.

nodestash only hands out a cursor for the end of each page. A gateway cursor
therefore names a position as (the upstream cursor a page was read from,
how many of that page's records lie before the position), so any edge can be
resumed from with one upstream call, and the last edge of a page maps to
nodestash's own ``next_cursor`` with nothing to skip. Cursors are compressed
and checksummed so clients treat them as opaque, and they are bound to the
query's filters and order: a cursor from another query is refused.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import orjson
import strawberry

from gateway.errors import BadUserInput, UpstreamValidationError, camel_case
from gateway.nodestash import NodestashAPI, Resource
from gateway.records import Record

__all__ = ["Connection", "Edge", "PageInfo", "Window", "read_window"]

T = TypeVar("T")

DEFAULT_FIRST = 20
MAX_FIRST = 100
_UPSTREAM_MAX_LIMIT = 100
_VERSION = 1


@dataclass(frozen=True, slots=True)
class _Position:
    """Right after the ``skip``-th record of the page read from ``upstream``."""

    query: str
    upstream: str | None
    skip: int

    def encode(self) -> str:
        payload = orjson.dumps([_VERSION, self.query, self.upstream, self.skip])
        packed = zlib.compress(payload, 1)
        return base64.urlsafe_b64encode(packed).rstrip(b"=").decode()

    @classmethod
    def decode(cls, cursor: str, *, query: str) -> _Position:
        try:
            packed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            version, owner, upstream, skip = orjson.loads(zlib.decompress(packed))
        except (ValueError, TypeError, zlib.error):
            raise BadUserInput.at(["after"], "is not a cursor from this API") from None
        valid = (
            version == _VERSION
            and isinstance(upstream, str | None)
            and isinstance(skip, int)
            and 0 <= skip <= _UPSTREAM_MAX_LIMIT
        )
        if not valid:
            raise BadUserInput.at(["after"], "is not a cursor from this API")
        if owner != query:
            raise BadUserInput.at(
                ["after"],
                "belongs to a different list: keep filter and orderBy unchanged "
                "while paging",
            )
        return cls(query, upstream, skip)


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool = strawberry.field(
        description="True after a first page; the upstream cannot page backwards."
    )
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    _position: strawberry.Private[_Position]

    @strawberry.field(description="Resumes the list right after this edge.")
    def cursor(self) -> str:
        return self._position.encode()


@strawberry.type
class Connection(Generic[T]):
    nodes: list[T] = strawberry.field(
        description="The edges' nodes, for when cursors are not needed."
    )
    page_info: PageInfo
    _positions: strawberry.Private[list[_Position]]

    @strawberry.field
    def edges(self) -> list[Edge[T]]:
        # Built only when asked for: most clients select nodes alone.
        return [
            Edge(node=node, _position=position)
            for node, position in zip(self.nodes, self._positions, strict=True)
        ]


@dataclass(frozen=True, slots=True)
class Window:
    """The records of one page and where each of them ends."""

    records: list[tuple[Record, _Position]]
    has_next_page: bool
    has_previous_page: bool

    def connection(self, nodes: list[T]) -> Connection[T]:
        """Pair this window's positions with the nodes built from its records."""
        positions = [position for _, position in self.records]
        page_info = PageInfo(
            has_next_page=self.has_next_page,
            has_previous_page=self.has_previous_page,
            start_cursor=positions[0].encode() if positions else None,
            end_cursor=positions[-1].encode() if positions else None,
        )
        return Connection(nodes=nodes, page_info=page_info, _positions=positions)


async def read_window(
    api: NodestashAPI,
    resource: Resource,
    params: Mapping[str, str],
    *,
    first: int | None,
    after: str | None,
) -> Window:
    """Read ``first`` records after the ``after`` cursor, in as few calls as
    nodestash's page limit allows (one, unless a resumed page needs more than
    100 records from its upstream page).

    Raises:
        BadUserInput: ``first`` out of range or a cursor that is not ours.
    """
    first = DEFAULT_FIRST if first is None else first
    if not 1 <= first <= MAX_FIRST:
        raise BadUserInput.at(["first"], f"must be between 1 and {MAX_FIRST}")
    query = _fingerprint(resource, params)
    start = _Position.decode(after, query=query) if after else _Position(query, None, 0)
    try:
        records, has_next = await _collect(api, resource, params, start, first)
    except UpstreamValidationError as error:
        raise error.locate((), _argument_paths(params)) from None
    return Window(records, has_next, has_previous_page=after is not None)


async def _collect(
    api: NodestashAPI,
    resource: Resource,
    params: Mapping[str, str],
    start: _Position,
    first: int,
) -> tuple[list[tuple[Record, _Position]], bool]:
    taken: list[tuple[Record, _Position]] = []
    upstream, skip = start.upstream, start.skip
    while True:
        limit = min(_UPSTREAM_MAX_LIMIT, skip + first - len(taken))
        page = await api.page(resource, _page_params(params, upstream, limit))
        for index, record in enumerate(page.records[skip:], start=skip):
            last = index == len(page.records) - 1 and page.next_cursor is not None
            position = (
                _Position(start.query, page.next_cursor, 0)
                if last
                else _Position(start.query, upstream, index + 1)
            )
            taken.append((record, position))
        if len(taken) >= first or not page.has_more:
            return taken[:first], page.has_more and len(taken) >= first
        skip = max(0, skip - len(page.records))
        upstream = page.next_cursor


def _page_params(
    params: Mapping[str, str], upstream: str | None, limit: int
) -> dict[str, str]:
    page_params = {**params, "limit": str(limit)}
    if upstream is not None:
        page_params["cursor"] = upstream
    return page_params


def _fingerprint(resource: Resource, params: Mapping[str, str]) -> str:
    material = orjson.dumps([resource.path, sorted(params.items())])
    return hashlib.blake2b(material, digest_size=6).hexdigest()


def _argument_paths(params: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    paths: dict[str, tuple[str, ...]] = {
        "limit": ("first",),
        "cursor": ("after",),
        "sort": ("orderBy",),
    }
    for name in params:
        if name not in paths:
            paths[name] = ("filter", camel_case(name))
    return paths
