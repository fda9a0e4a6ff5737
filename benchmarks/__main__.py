"""``python -m benchmarks``: run the benchmark and print its table (``make bench``).

A full run takes about seven minutes on two cores; ``--quick`` is a smoke run
of about two minutes with the same matrix and short measurements.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.harness import Plan, run
from benchmarks.measure import RunLimits
from benchmarks.workloads import WORKLOADS

RESULTS_DIR = Path(__file__).parent / "results"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    plan = _plan(args)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        results = runner.run(run(plan))

    stem = "quick" if plan.quick else "latest"
    json_path, markdown_path = results.write(args.results, stem)
    print(results.markdown())
    print(f"Written: {json_path} and {markdown_path}")
    failed = [m for m in results.measurements if m.errors == m.ops]
    differ = [name for name, same in results.matches.items() if not same]
    return 1 if failed or differ else 0


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    # The gateway runs on uvloop (uvicorn picks it when installed); the floor
    # client and the load generator get the same loop, where there is one.
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _plan(args: argparse.Namespace) -> Plan:
    duration = args.duration or (1.0 if args.quick else 6.0)
    warmup = args.warmup or (0.3 if args.quick else 1.0)
    rounds = args.rounds or (1 if args.quick else 3)
    limits = RunLimits(
        duration=duration, warmup=warmup, max_ops=args.max_ops, rounds=rounds
    )
    return Plan(
        workloads=tuple(name.upper() for name in args.only),
        latencies=tuple(args.latencies),
        clients=tuple(args.clients),
        limits=limits,
        workers=args.workers,
        quick=args.quick,
    )


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def _names(text: str) -> list[str]:
    known = {w.name for w in WORKLOADS}
    names = [part.strip().upper() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown workloads: {', '.join(unknown)}")
    return names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark the gateway against the floor, on the sandbox.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 1 s per measurement"
    )
    parser.add_argument(
        "--duration",
        type=float,
        help="seconds per measurement, all rounds (default 6, quick 1)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="rounds per measurement, alternating gateway and floor "
        "(default 3, quick 1)",
    )
    parser.add_argument(
        "--warmup", type=float, help="seconds of warm-up (default 1, quick 0.3)"
    )
    parser.add_argument(
        "--max-ops",
        type=int,
        default=20_000,
        help="operations per measurement at most (default 20000)",
    )
    parser.add_argument(
        "--only",
        type=_names,
        default=[w.name for w in WORKLOADS],
        help="workloads to run, e.g. W1,W3 (default all)",
    )
    parser.add_argument(
        "--latencies",
        type=_ints,
        default=[0, 20],
        help="injected upstream latencies in ms (default 0,20)",
    )
    parser.add_argument(
        "--clients",
        type=_ints,
        default=[1, 32],
        help="concurrent clients (default 1,32)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gateway workers for the W1 scaling run; 1 skips it (default 2)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS_DIR,
        help="where latest.json/latest.md (quick.* for --quick) go",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
