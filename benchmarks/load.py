"""Closed-loop load: N clients, each sending its next operation when the last ends.

A run stops at its deadline or after ``max_ops`` operations, whichever comes
first; operations in flight at the deadline finish and are counted.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

__all__ = ["LoadResult", "Operation", "percentile", "run_load"]

Operation = Callable[[int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one run measured: latencies of the operations that succeeded."""

    latencies: list[float]
    errors: int
    elapsed: float
    first_error: str | None

    @property
    def ops(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def ops_per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def latency_ms(self, q: float) -> float | None:
        """The ``q``-quantile (0–1) of the successful operations, in ms."""
        if not self.latencies:
            return None
        return percentile(sorted(self.latencies), q) * 1000


def percentile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks of an ascending sequence."""
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    weight = position - lower
    return ordered[lower] * (1 - weight) + ordered[upper] * weight


async def run_load(
    operation: Operation, *, clients: int, duration: float, max_ops: int
) -> LoadResult:
    """Run ``operation`` from ``clients`` concurrent loops for ``duration`` s."""
    counter = itertools.count()
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    deadline = started + duration

    async def client() -> None:
        while time.perf_counter() < deadline:
            n = next(counter)
            if n >= max_ops:
                return
            begun = time.perf_counter()
            try:
                await operation(n)
            except Exception as error:
                # A failed operation is counted and reported, never retried.
                errors.append(f"{type(error).__name__}: {error}")
                continue
            latencies.append(time.perf_counter() - begun)

    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return LoadResult(latencies, len(errors), elapsed, errors[0] if errors else None)
