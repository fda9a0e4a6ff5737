"""Rounds add up into one measurement per subject."""

from __future__ import annotations

from benchmarks.load import LoadResult
from benchmarks.measure import Config, Sample, summarize


def _round(latencies: list[float], calls: int, *, cpu: float | None) -> Sample:
    return Sample(
        result=LoadResult(latencies, errors=0, elapsed=1.0, first_error=None),
        calls={"GET /v1/contacts": calls},
        cpu_seconds=cpu,
        peak_rss=50 * 2**20,
        others_cpu_seconds=0.5,
    )


def test_summarize_adds_rounds_up():
    config = Config("W1", 0, 1, "gateway")
    rounds = [_round([0.010] * 10, 10, cpu=0.05), _round([0.030] * 10, 10, cpu=0.15)]

    measured = summarize(config, rounds)

    assert measured.ops == 20 and measured.calls_per_op == 1.0
    assert measured.ops_per_s == 10.0
    assert measured.p50_ms == 20.0
    assert measured.cpu_ms_per_op == 10.0
    assert measured.peak_rss_mb == 50.0
    assert measured.other_load_cores == 0.5


def test_summarize_without_a_cpu_reading():
    rounds = [_round([0.01], 1, cpu=None), _round([0.01], 1, cpu=0.01)]

    measured = summarize(Config("W1", 0, 1, "floor"), rounds)

    assert measured.cpu_ms_per_op is None
