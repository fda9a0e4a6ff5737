"""Results of a run: the machine, every measurement, the targets, as JSON and Markdown.

The targets are the ones issue #4 sets; each is "met", "missed" (with the
gap) or "not measured" (with the reason).
"""

from __future__ import annotations

import datetime
import os
import platform
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

from benchmarks.measure import Measurement
from benchmarks.workloads import workload

__all__ = ["Comparison", "Results", "Target", "machine_info"]

_PACKAGES = ("strawberry-graphql", "graphql-core", "fastapi", "uvicorn", "httpx")
_NEAR_P50_MS = 5.0
_P50_RATIO = 2.0
_CPU_MS = 5.0
_RSS_MB = 150.0
_WORKERS_SPEEDUP = 1.6
_BUSY_CORES = 0.2


@dataclass(slots=True)
class Comparison:
    """W1 at the most clients served by several workers, if the gateway can."""

    workers: int
    supported: bool
    single: Measurement | None = None
    measurement: Measurement | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "supported": self.supported,
            "single": self.single.as_json() if self.single else None,
            "measurement": self.measurement.as_json() if self.measurement else None,
        }


@dataclass(frozen=True, slots=True)
class Target:
    """One target of the issue and how this run fared against it."""

    name: str
    status: str
    measured: str


@dataclass(slots=True)
class Results:
    """Everything one run found; ``targets()`` judges them."""

    plan: dict[str, Any]
    machine: dict[str, Any]
    started_at: str
    finished_at: str | None = None
    faults_supported: bool | None = None
    matches: dict[str, bool] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    workers: Comparison | None = None

    @classmethod
    def start(cls, plan: dict[str, Any]) -> Results:
        return cls(plan=plan, machine=machine_info(), started_at=_now())

    def add(self, measurement: Measurement) -> None:
        self.measurements.append(measurement)

    def finish(self) -> Results:
        self.finished_at = _now()
        return self

    def find(
        self, name: str, latency: int, clients: int, subject: str
    ) -> Measurement | None:
        for m in self.measurements:
            key = (m.workload, m.latency_ms, m.clients, m.subject, m.workers)
            if key == (name, latency, clients, subject, 1):
                return m
        return None

    def targets(self) -> list[Target]:
        return [
            self._calls_target(),
            self._near_floor_target(),
            self._ratio_target(),
            self._cpu_target(),
            self._memory_target(),
            self._workers_target(),
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "plan": self.plan,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "faults_supported": self.faults_supported,
            "same_answer_as_floor": self.matches,
            "measurements": [m.as_json() for m in self.measurements],
            "workers": self.workers.as_json() if self.workers else None,
            "targets": [
                {"name": t.name, "status": t.status, "measured": t.measured}
                for t in self.targets()
            ],
        }

    def write(self, directory: Path, stem: str) -> tuple[Path, Path]:
        """Write ``<stem>.json`` and ``<stem>.md``, each replaced atomically."""
        directory.mkdir(parents=True, exist_ok=True)
        json_path = directory / f"{stem}.json"
        markdown_path = directory / f"{stem}.md"
        options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
        _replace(json_path, orjson.dumps(self.as_json(), option=options))
        _replace(markdown_path, self.markdown().encode())
        return json_path, markdown_path

    def markdown(self) -> str:
        lines = [
            _machine_line(self.machine),
            _plan_line(self.plan, self.started_at),
            "",
            *_table(self),
            "",
            *_notes(self),
            "",
            "| Target | Measured | Status |",
            "| --- | --- | --- |",
            *(f"| {t.name} | {t.measured} | {t.status} |" for t in self.targets()),
        ]
        return "\n".join(lines) + "\n"

    # Targets ---------------------------------------------------------------

    def _pairs(
        self, *, clients: int, latency: int
    ) -> list[tuple[str, Measurement, Measurement]]:
        pairs = []
        for name in self.plan["workloads"]:
            gateway = self.find(name, latency, clients, "gateway")
            floor = self.find(name, latency, clients, "floor")
            if gateway and floor:
                pairs.append((name, gateway, floor))
        return pairs

    def _calls_target(self) -> Target:
        name = (
            "Upstream calls per operation equal the floor's (or fewer) "
            "on every workload"
        )
        latency = min(self.plan["latencies_ms"])
        pairs = self._pairs(clients=min(self.plan["clients"]), latency=latency)
        if not pairs:
            return Target(name, "not measured", "no workload ran")
        parts, worst = [], 0.0
        for label, gateway, floor in pairs:
            g, f = gateway.calls_per_op or 0.0, floor.calls_per_op or 0.0
            parts.append(f"{label} {_calls(g)} / {_calls(f)}")
            # Fewer is fine: a cache across requests can beat a one-shot client.
            worst = max(worst, g - f)
        excess = worst if worst > 0.01 else 0.0
        return _judged(name, ", ".join(parts), excess, f"{_calls(worst)} calls/op")

    def _near_floor_target(self) -> Target:
        name = (
            f"20 ms upstream, 1 client: gateway p50 within {_NEAR_P50_MS:g} ms "
            "of the floor's (W1–W4)"
        )
        pairs = [
            p
            for p in self._pairs(clients=1, latency=20)
            if p[0] in ("W1", "W2", "W3", "W4")
        ]
        if not pairs:
            reason = (
                "the sandbox has no faults API"
                if not self.faults_supported
                else "not in this run"
            )
            return Target(name, "not measured", reason)
        parts, worst = [], 0.0
        for label, gateway, floor in pairs:
            gap = (gateway.p50_ms or 0.0) - (floor.p50_ms or 0.0)
            parts.append(f"{label} {gap:+.1f} ms")
            worst = max(worst, gap - _NEAR_P50_MS)
        return _judged(name, ", ".join(parts), worst, f"{worst:.1f} ms")

    def _ratio_target(self) -> Target:
        name = (
            f"0 ms upstream, 1 client: gateway p50 at most {_P50_RATIO:g}× "
            "the floor's on W1"
        )
        pair = [p for p in self._pairs(clients=1, latency=0) if p[0] == "W1"]
        if not pair:
            return Target(
                name, "not measured", "W1 at 0 ms and 1 client not in this run"
            )
        _, gateway, floor = pair[0]
        ratio = _ratio(gateway.p50_ms, floor.p50_ms) or 0.0
        measured = f"{ratio:.2f}× ({_ms(gateway.p50_ms)} vs {_ms(floor.p50_ms)} ms)"
        return _judged(name, measured, ratio - _P50_RATIO, f"{ratio - _P50_RATIO:.2f}×")

    def _cpu_target(self) -> Target:
        name = f"Gateway CPU per W1 operation at most {_CPU_MS:g} ms"
        runs = [
            m for m in self._gateway_runs() if m.workload == "W1" and m.cpu_ms_per_op
        ]
        if not runs:
            return Target(name, "not measured", "W1 not in this run")
        worst = max(runs, key=lambda m: m.cpu_ms_per_op or 0.0)
        best = min(runs, key=lambda m: m.cpu_ms_per_op or 0.0)
        cpu = worst.cpu_ms_per_op or 0.0
        measured = f"{_ms(best.cpu_ms_per_op)}–{_ms(cpu)} ms (worst at {_where(worst)})"
        return _judged(name, measured, cpu - _CPU_MS, f"{cpu - _CPU_MS:.1f} ms")

    def _memory_target(self) -> Target:
        clients = max(self.plan["clients"])
        name = (
            f"Gateway memory under {clients} clients at most {_RSS_MB:g} MB per worker"
        )
        runs = [
            m for m in self._gateway_runs() if m.clients == clients and m.peak_rss_mb
        ]
        if not runs:
            return Target(name, "not measured", "no reading")
        worst = max(runs, key=lambda m: m.peak_rss_mb or 0.0)
        peak = worst.peak_rss_mb or 0.0
        measured = f"peak {peak:.0f} MB ({worst.workload}, {_where(worst)})"
        return _judged(name, measured, peak - _RSS_MB, f"{peak - _RSS_MB:.0f} MB")

    def _workers_target(self) -> Target:
        workers = self.workers.workers if self.workers else self.plan["workers"]
        clients = max(self.plan["clients"])
        name = (
            f"`--workers {workers}`: W1 throughput at {clients} clients at least "
            f"{_WORKERS_SPEEDUP:g}× one worker's"
        )
        if self.workers is None:
            return Target(name, "not measured", "not in this run")
        if not self.workers.supported or self.workers.measurement is None:
            return Target(
                name,
                "not measured",
                "`nodestash-gateway serve` has no `--workers` option yet",
            )
        single = self.workers.single or self.find("W1", 0, clients, "gateway")
        many = self.workers.measurement
        speedup = _ratio(many.ops_per_s, single.ops_per_s if single else None)
        if speedup is None or single is None:
            return Target(
                name, "not measured", "no single-worker W1 run to compare with"
            )
        measured = (
            f"{speedup:.2f}× ({_rate(many.ops_per_s)} vs "
            f"{_rate(single.ops_per_s)} ops/s)"
        )
        return _judged(
            name,
            measured,
            _WORKERS_SPEEDUP - speedup,
            f"{_WORKERS_SPEEDUP - speedup:.2f}×",
        )

    def _gateway_runs(self) -> list[Measurement]:
        return [
            m for m in self.measurements if m.subject == "gateway" and m.workers == 1
        ]


def machine_info() -> dict[str, Any]:
    """The CPU, core count, OS, Python and library versions a run used."""
    versions: dict[str, str | None] = {}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "packages": versions,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _replace(path: Path, content: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def _judged(name: str, measured: str, excess: float, by: str) -> Target:
    if excess <= 0:
        return Target(name, "met", measured)
    return Target(name, f"missed by {by}", measured)


# Markdown ------------------------------------------------------------------

_HEADER = [
    "| Workload | Upstream latency | Clients | Calls/op gw / floor "
    "| p50 ms gw / floor (×) | p95 ms gw / floor | p99 ms gw / floor "
    "| ops/s gw / floor (×) | CPU ms/op gw / floor | Gateway peak RSS MB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]


def _table(results: Results) -> list[str]:
    rows = list(_HEADER)
    for name in results.plan["workloads"]:
        for latency in results.plan["latencies_ms"]:
            for clients in results.plan["clients"]:
                gateway = results.find(name, latency, clients, "gateway")
                floor = results.find(name, latency, clients, "floor")
                if gateway and floor:
                    rows.append(_row(gateway, floor))
    return rows


def _row(gateway: Measurement, floor: Measurement) -> str:
    item = workload(gateway.workload)
    cells = [
        f"{item.name} {item.title}",
        f"{gateway.latency_ms} ms",
        str(gateway.clients),
        _pair(gateway.calls_per_op, floor.calls_per_op, _calls),
        _pair(gateway.p50_ms, floor.p50_ms, _ms, ratio=True),
        _pair(gateway.p95_ms, floor.p95_ms, _ms),
        _pair(gateway.p99_ms, floor.p99_ms, _ms),
        _pair(gateway.ops_per_s, floor.ops_per_s, _rate, ratio=True),
        _pair(gateway.cpu_ms_per_op, floor.cpu_ms_per_op, _ms),
        _ms(gateway.peak_rss_mb, digits=0),
    ]
    return "| " + " | ".join(cells) + " |"


def _pair(
    gateway: float | None,
    floor: float | None,
    show: Callable[[float | None], str],
    *,
    ratio: bool = False,
) -> str:
    text = f"{show(gateway)} / {show(floor)}"
    factor = _ratio(gateway, floor)
    if ratio and factor is not None:
        text += f" ({factor:.2f}×)"
    return text


def _notes(results: Results) -> list[str]:
    same = ", ".join(
        f"{name} {'yes' if ok else '**no**'}" for name, ok in results.matches.items()
    )
    notes = [f"Same JSON as the floor: {same or 'not checked'}."]
    notes.extend(
        f"{m.subject} {m.workload} at {m.latency_ms} ms, {m.clients} clients: "
        f"{m.errors} of {m.ops} operations failed ({m.first_error})."
        for m in _with_errors(results.measurements)
    )
    if results.workers and results.workers.measurement:
        notes.append(_workers_note(results.workers))
    notes.append(_load_note(results.measurements))
    notes.append(
        "CPU of the floor is the benchmark client's own process (the floor "
        "client runs there); ratios are gateway ÷ floor."
    )
    return notes


def _workers_note(comparison: Comparison) -> str:
    many = comparison.measurement
    assert many is not None
    text = (
        f"W1 with `--workers {many.workers}`, {many.clients} clients, 0 ms: "
        f"{_rate(many.ops_per_s)} ops/s, p50 {_ms(many.p50_ms)} ms, "
        f"CPU {_ms(many.cpu_ms_per_op)} ms/op, "
        f"peak RSS {_ms(many.peak_rss_mb, digits=0)} MB per process"
    )
    single = comparison.single
    if single is None:
        return text + "."
    return (
        f"{text}; one worker in alternating rounds: {_rate(single.ops_per_s)} "
        f"ops/s, p50 {_ms(single.p50_ms)} ms."
    )


def _load_note(measurements: list[Measurement]) -> str:
    loads = [m.other_load_cores for m in measurements if m.other_load_cores is not None]
    if not loads:
        return "Other work on the machine: not measured."
    busy = [load for load in loads if load > _BUSY_CORES]
    summary = (
        f"Other work on the machine: {sum(loads) / len(loads):.2f} cores on "
        f"average, at most {max(loads):.2f}"
    )
    if not busy:
        return summary + "."
    return (
        f"{summary}; {len(busy)} of {len(loads)} measurements shared the "
        f"machine with more than {_BUSY_CORES:g} cores of other work, and "
        "their figures are noisier."
    )


def _with_errors(measurements: Iterable[Measurement]) -> list[Measurement]:
    return [m for m in measurements if m.errors]


def _machine_line(machine: dict[str, Any]) -> str:
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v)
    return (
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['platform']}, "
        f"{machine['implementation']} {machine['python']}; {packages}."
    )


def _plan_line(plan: dict[str, Any], started_at: str) -> str:
    mode = "quick run" if plan["quick"] else "full run"
    return (
        f"Run: {started_at}, {mode}, {plan['duration_s']:g} s per measurement "
        f"in {plan.get('rounds', 1)} rounds alternating gateway and floor, "
        f"after {plan['warmup_s']:g} s of warm-up; the sandbox, the gateway and "
        "the benchmark client share the machine."
    )


def _where(m: Measurement) -> str:
    return f"{m.latency_ms} ms, {m.clients} client{'s' if m.clients > 1 else ''}"


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return a / b


def _ms(value: float | None, digits: int | None = None) -> str:
    if value is None:
        return "—"
    if digits is None:
        digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:.{digits}f}"


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def _calls(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if abs(value - round(value)) < 0.005 else f"{value:.2f}"
