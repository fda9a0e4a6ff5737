"""Measurements: a workload against one subject under one load, with its costs.

A subject is what answers the operations: the gateway (a separate process,
whose CPU and memory are read from ``/proc``) or the floor client (running in
this process, so its CPU and memory are this process's own).

A measurement is made of rounds (``sample``), and the harness alternates the
rounds of the subjects it compares, so that other work on a shared machine
weighs on both alike; ``summarize`` adds a subject's rounds up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from benchmarks.load import LoadResult, Operation, run_load
from benchmarks.procstat import ProcessTree, busy_cpu_seconds
from benchmarks.servers import Admin

__all__ = ["Config", "Measurement", "RunLimits", "Sample", "sample", "summarize"]

_RSS_SAMPLE_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class RunLimits:
    """How long each round runs, after how much warm-up, in how many rounds."""

    duration: float
    warmup: float
    max_ops: int
    rounds: int = 1

    @property
    def round_duration(self) -> float:
        return self.duration / self.rounds


@dataclass(frozen=True, slots=True)
class Config:
    """Where a measurement sits in the matrix."""

    workload: str
    latency_ms: int
    clients: int
    subject: str
    workers: int = 1


@dataclass(frozen=True, slots=True)
class Sample:
    """One round: what the load saw and what it cost."""

    result: LoadResult
    calls: dict[str, int]
    cpu_seconds: float | None
    peak_rss: int | None
    others_cpu_seconds: float | None


@dataclass(frozen=True, slots=True)
class Measurement:
    """Everything the report shows for one configuration."""

    workload: str
    latency_ms: int
    clients: int
    subject: str
    workers: int
    ops: int
    errors: int
    first_error: str | None
    calls_per_op: float | None
    calls_by_route: dict[str, float] = field(default_factory=dict)
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    ops_per_s: float | None = None
    cpu_ms_per_op: float | None = None
    peak_rss_mb: float | None = None
    other_load_cores: float | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


async def sample(
    operation: Operation,
    *,
    clients: int,
    limits: RunLimits,
    subject: ProcessTree,
    ours: Sequence[ProcessTree],
    admin: Admin,
    warm_up: bool,
) -> Sample:
    """Run one round of ``operation`` from ``clients`` clients.

    ``subject`` is what the CPU and memory figures are about; ``ours`` is every
    process of the benchmark, so that other work on the machine shows up.
    """
    if warm_up:
        await run_load(
            operation,
            clients=clients,
            duration=limits.warmup,
            max_ops=max(clients * 2, 4),
        )
    await admin.reset_stats()
    peaks_reset = subject.reset_peaks()
    cpu_before = subject.cpu_seconds()
    load_before = _load(ours)

    sampled: list[int] = [0]
    sampler = asyncio.create_task(_sample_rss(subject, sampled))
    try:
        result = await run_load(
            operation,
            clients=clients,
            duration=limits.round_duration,
            max_ops=max(1, limits.max_ops // limits.rounds),
        )
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler

    cpu_after = subject.cpu_seconds()
    load_after = _load(ours)
    calls = await admin.stats()
    peak = max(sampled[0], subject.peak_rss_bytes() or 0) if peaks_reset else 0
    return Sample(
        result=result,
        calls=calls,
        cpu_seconds=_delta(cpu_before, cpu_after),
        peak_rss=peak or sampled[0] or None,
        others_cpu_seconds=_others(load_before, load_after),
    )


def summarize(config: Config, samples: Sequence[Sample]) -> Measurement:
    """One subject's rounds, added up into the figures the report shows."""
    result = _combined([s.result for s in samples])
    ops = result.ops
    calls: dict[str, int] = {}
    for s in samples:
        for route, n in s.calls.items():
            calls[route] = calls.get(route, 0) + n
    cpu = _total([s.cpu_seconds for s in samples])
    others = _total([s.others_cpu_seconds for s in samples])
    peaks = [s.peak_rss for s in samples if s.peak_rss]
    return Measurement(
        workload=config.workload,
        latency_ms=config.latency_ms,
        clients=config.clients,
        subject=config.subject,
        workers=config.workers,
        ops=ops,
        errors=result.errors,
        first_error=result.first_error,
        calls_per_op=sum(calls.values()) / ops if ops else None,
        calls_by_route={route: n / ops for route, n in calls.items()} if ops else {},
        p50_ms=result.latency_ms(0.50),
        p95_ms=result.latency_ms(0.95),
        p99_ms=result.latency_ms(0.99),
        ops_per_s=result.ops_per_second,
        cpu_ms_per_op=cpu * 1000 / ops if cpu is not None and ops else None,
        peak_rss_mb=max(peaks) / 2**20 if peaks else None,
        other_load_cores=(
            others / result.elapsed if others is not None and result.elapsed else None
        ),
    )


def _combined(results: Sequence[LoadResult]) -> LoadResult:
    errors = [r.first_error for r in results if r.first_error]
    return LoadResult(
        latencies=[latency for r in results for latency in r.latencies],
        errors=sum(r.errors for r in results),
        elapsed=sum(r.elapsed for r in results),
        first_error=errors[0] if errors else None,
    )


def _total(values: Sequence[float | None]) -> float | None:
    if not values or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


async def _sample_rss(subject: ProcessTree, peak: list[int]) -> None:
    # A fallback for kernels that refuse clear_refs, and a cross-check.
    while True:
        peak[0] = max([peak[0], *subject.rss_bytes()])
        await asyncio.sleep(_RSS_SAMPLE_SECONDS)


def _load(ours: Sequence[ProcessTree]) -> tuple[float, float] | None:
    busy = busy_cpu_seconds()
    used = [tree.cpu_seconds() for tree in ours]
    if busy is None or None in used:
        return None
    return busy, sum(u for u in used if u is not None)


def _others(
    before: tuple[float, float] | None, after: tuple[float, float] | None
) -> float | None:
    """CPU seconds that processes other than ours used meanwhile."""
    if before is None or after is None:
        return None
    return max(0.0, (after[0] - before[0]) - (after[1] - before[1]))


def _delta(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return after - before
