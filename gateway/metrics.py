"""Prometheus metrics: what is recorded, and the ``/metrics`` endpoint.

Metrics are process-wide, as prometheus-client intends. Under ``serve
--workers N`` every worker is its own process: with ``PROMETHEUS_MULTIPROC_DIR``
set, prometheus-client writes each worker's values to files there and
``/metrics`` (served by whichever worker the scrape reaches) adds them up.

Label values come from bounded sets only: operation names are the client's,
so past ``MAX_OPERATION_NAMES`` distinct names new ones are counted as
``other``; upstream paths are reduced to their route (``/contacts/{id}``).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "MAX_OPERATION_NAMES",
    "BoundedLabels",
    "metrics_endpoint",
    "observe_batch",
    "observe_cache",
    "observe_operation",
    "observe_refused",
    "observe_upstream_call",
    "upstream_route",
]

MAX_OPERATION_NAMES = 200

# The collections nodestash serves (nodestash-api.md §1.1); any other segment
# in a collection's place is not ours to name in a label.
_COLLECTIONS = frozenset({"contacts", "companies", "custom-fields"})
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

OPERATIONS = Counter(
    "gateway_operations",
    "GraphQL operations by name, type and outcome (ok or the first error code).",
    ["operation", "type", "outcome"],
)
OPERATION_SECONDS = Histogram(
    "gateway_operation_duration_seconds",
    "Time from receiving an operation to its result.",
    ["operation", "type"],
    buckets=_LATENCY_BUCKETS,
)
UPSTREAM_CALLS = Counter(
    "gateway_upstream_calls",
    "nodestash calls (each attempt) by method, route and status or error code.",
    ["method", "route", "status"],
)
UPSTREAM_SECONDS = Histogram(
    "gateway_upstream_call_duration_seconds",
    "Time of one nodestash call attempt, body included.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
BATCH_SIZE = Histogram(
    "gateway_dataloader_batch_size",
    "Keys per DataLoader batch.",
    ["loader"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 250, 500),
)
CACHE_LOOKUPS = Counter(
    "gateway_definitions_cache_lookups",
    "Lookups in the cross-request definitions cache, by result (hit or miss).",
    ["result"],
)
IN_FLIGHT = Gauge(
    "gateway_http_requests_in_flight",
    "HTTP requests being served.",
    multiprocess_mode="livesum",
)


class BoundedLabels:
    """Label values as they come, up to ``limit`` distinct ones; then ``other``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self.seen:
            return value
        if len(self.seen) >= self.limit:
            return "other"
        self.seen.add(value)
        return value


_operation_names = BoundedLabels(MAX_OPERATION_NAMES)


class _CountingCache(Protocol):
    hits: int
    misses: int


# What each cache had counted when last copied into CACHE_LOOKUPS.
_cache_seen: weakref.WeakKeyDictionary[_CountingCache, tuple[int, int]] = (
    weakref.WeakKeyDictionary()
)


def observe_operation(
    *, name: str | None, operation_type: str, outcome: str, seconds: float
) -> None:
    """Count one operation that ran (or was refused by validation)."""
    label = _operation_label(name)
    OPERATIONS.labels(label, operation_type, outcome).inc()
    OPERATION_SECONDS.labels(label, operation_type).observe(seconds)


def observe_refused(outcome: str, started: float) -> None:
    """Count an operation refused before it could run.

    Args:
        outcome: the first error code, or ``HTTP_<status>`` for a request
            refused before GraphQL saw it.
        started: ``time.perf_counter()`` when the request arrived.
    """
    seconds = time.perf_counter() - started
    observe_operation(name=None, operation_type="-", outcome=outcome, seconds=seconds)


def observe_upstream_call(
    *, method: str, path: str, status: int | str, seconds: float
) -> None:
    route = upstream_route(path)
    UPSTREAM_CALLS.labels(method, route, str(status)).inc()
    UPSTREAM_SECONDS.labels(method, route).observe(seconds)


def observe_batch(loader: str, size: int) -> None:
    BATCH_SIZE.labels(loader).observe(size)


def observe_cache(cache: _CountingCache | None) -> None:
    """Copy a cache's hit and miss counts into the metrics since the last copy.

    Called after each operation: the cache keeps plain counters, and every
    lookup happens during some operation, so nothing is left uncounted.
    """
    if cache is None:
        return
    hits, misses = _cache_seen.get(cache, (0, 0))
    if cache.hits > hits:
        CACHE_LOOKUPS.labels("hit").inc(cache.hits - hits)
    if cache.misses > misses:
        CACHE_LOOKUPS.labels("miss").inc(cache.misses - misses)
    _cache_seen[cache] = (cache.hits, cache.misses)


def upstream_route(path: str) -> str:
    """The route template of a nodestash path: ``/contacts/ct_1`` → ``/contacts/{id}``.

    Segments alternate between a collection and a record id (nodestash-api.md
    §1.1).
    """
    parts = path.strip("/").split("/")
    template = [
        ("{id}" if index % 2 else (part if part in _COLLECTIONS else "{other}"))
        for index, part in enumerate(parts)
    ]
    return "/" + "/".join(template)


def _operation_label(name: str | None) -> str:
    return _operation_names(name) if name else "anonymous"


def metrics_endpoint(
    multiprocess_dir: str | None,
) -> Callable[[Request], Awaitable[Response]]:
    """The ``/metrics`` handler: this process's registry, or every worker's."""

    async def metrics(request: Request) -> Response:
        return Response(
            generate_latest(_registry(multiprocess_dir)),
            media_type=CONTENT_TYPE_LATEST,
        )

    return metrics


def _registry(multiprocess_dir: str | None) -> CollectorRegistry:
    if multiprocess_dir is None:
        return REGISTRY
    # prometheus-client's multi-process recipe: a fresh registry per scrape
    # that reads every process's files.
    registry = CollectorRegistry()
    MultiProcessCollector(  # type: ignore[no-untyped-call]
        registry, path=multiprocess_dir
    )
    return registry
