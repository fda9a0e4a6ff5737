"""The report judges each target of the issue and renders the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.measure import Measurement
from benchmarks.report import Comparison, Results

PLAN: dict[str, Any] = {
    "workloads": ["W1"],
    "latencies_ms": [0, 20],
    "clients": [1, 32],
    "duration_s": 1.0,
    "warmup_s": 0.1,
    "max_ops": 100,
    "workers": 2,
    "quick": True,
}


def _measured(subject: str, latency: int, clients: int, **figures: Any) -> Measurement:
    values: dict[str, Any] = {
        "workload": "W1",
        "latency_ms": latency,
        "clients": clients,
        "subject": subject,
        "workers": 1,
        "ops": 100,
        "errors": 0,
        "first_error": None,
        "calls_per_op": 1.0,
        "p50_ms": 10.0,
        "p95_ms": 12.0,
        "p99_ms": 15.0,
        "ops_per_s": 100.0,
        "cpu_ms_per_op": 4.0,
        "peak_rss_mb": 90.0,
    }
    return Measurement(**(values | figures))


def _results(**gateway: Any) -> Results:
    results = Results.start(PLAN)
    for latency in (0, 20):
        for clients in (1, 32):
            results.add(_measured("gateway", latency, clients, **gateway))
            results.add(_measured("floor", latency, clients, p50_ms=8.0))
    results.faults_supported = True
    results.matches = {"W1": True}
    return results


def _statuses(results: Results) -> list[str]:
    return [target.status for target in results.targets()]


def test_targets_met_when_the_gateway_is_close():
    results = _results()
    many = _measured("gateway", 0, 32, workers=2, ops_per_s=170.0)
    results.workers = Comparison(2, supported=True, measurement=many)

    assert _statuses(results) == ["met"] * 6


def test_targets_missed_say_by_how_much():
    results = _results(p50_ms=30.0, cpu_ms_per_op=7.5, calls_per_op=2.0)

    statuses = _statuses(results)

    assert statuses[0] == "missed by 1 calls/op"
    assert statuses[1] == "missed by 17.0 ms"
    assert statuses[2] == "missed by 1.75×"
    assert statuses[3] == "missed by 2.5 ms"


def test_workers_not_measured_without_the_option():
    results = _results()
    results.workers = Comparison(2, supported=False)

    assert _statuses(results)[5] == "not measured"


def test_write_puts_json_and_markdown_side_by_side(tmp_path: Path):
    results = _results().finish()

    json_path, markdown_path = results.write(tmp_path, "latest")

    data = json.loads(json_path.read_text())
    assert len(data["measurements"]) == 8
    assert data["machine"]["cores"] >= 1
    table = markdown_path.read_text()
    assert "| W1 flat | 20 ms | 32 | 1 / 1 | 10.0 / 8.00 (1.25×)" in table
    assert not list(tmp_path.glob("*.tmp"))
