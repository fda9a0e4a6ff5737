"""Closed-loop load runs stop by themselves and count what happened."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.load import percentile, run_load


def test_percentile_interpolates_between_ranks():
    values = [1.0, 2.0, 3.0, 4.0]

    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 0.5) == 2.5
    assert percentile(values, 1.0) == 4.0


def test_percentile_raises_without_values():
    with pytest.raises(ValueError):
        percentile([], 0.5)


async def test_run_load_stops_after_max_ops():
    seen: list[int] = []

    async def operation(n: int) -> None:
        seen.append(n)
        await asyncio.sleep(0)

    result = await run_load(operation, clients=4, duration=10.0, max_ops=25)

    assert sorted(seen) == list(range(25))
    assert result.ops == 25 and result.errors == 0
    assert result.elapsed < 5


async def test_run_load_stops_at_its_deadline():
    async def operation(n: int) -> None:
        await asyncio.sleep(0.01)

    result = await run_load(operation, clients=2, duration=0.1, max_ops=10_000)

    assert 0 < result.ops < 100
    assert result.latency_ms(0.5) is not None


async def test_run_load_counts_failures_apart():
    async def operation(n: int) -> None:
        if n % 2:
            raise RuntimeError("refused")

    result = await run_load(operation, clients=1, duration=5.0, max_ops=10)

    assert result.errors == 5 and len(result.latencies) == 5
    assert result.first_error == "RuntimeError: refused"
