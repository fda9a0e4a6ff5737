"""The benchmark run: servers up, each workload on gateway and floor, servers down.

For each workload, injected upstream latency and client count, the gateway
and the floor client are measured in alternating rounds. Before measuring,
each workload's gateway answer is compared with the floor's, so a floor that
fetched less than the gateway could never flatter it.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from benchmarks.floor import FLOOR_CLIENTS
from benchmarks.load import Operation
from benchmarks.measure import (
    Config,
    Measurement,
    RunLimits,
    Sample,
    sample,
    summarize,
)
from benchmarks.procstat import ProcessTree
from benchmarks.report import Comparison, Results
from benchmarks.servers import (
    Admin,
    Server,
    free_port,
    gateway_supports_workers,
    new_admin_token,
    start,
)
from benchmarks.workloads import Seed, Workload, load_seed, workload
from sandbox.seed import DEMO_API_KEY

__all__ = ["Plan", "run"]

logger = logging.getLogger(__name__)

_TIMEOUT = httpx.Timeout(30.0, pool=60.0)
# The floor gets the gateway's default upstream pool size, so neither side
# can open more connections to the sandbox than the other.
_UPSTREAM_CONNECTIONS = 100
_VOLATILE = frozenset({"updatedAt"})


@dataclass(frozen=True, slots=True)
class Plan:
    """What to run: the matrix, the limits and the multi-worker comparison."""

    workloads: tuple[str, ...]
    latencies: tuple[int, ...]
    clients: tuple[int, ...]
    limits: RunLimits
    workers: int
    quick: bool


@dataclass(slots=True)
class _Session:
    plan: Plan
    admin: Admin
    upstream: httpx.AsyncClient
    sandbox: Server
    seed: Seed
    faults: bool


async def run(plan: Plan) -> Results:
    """Run the whole plan and answer its results."""
    results = Results.start(_plan_json(plan))
    with tempfile.TemporaryDirectory(prefix="nodestash-bench-") as logs:
        log_dir = Path(logs)
        with _sandbox(log_dir) as (sandbox, token):
            async with _clients(sandbox, token) as (admin, upstream):
                faults = await admin.set_latency(0)
                if not faults:
                    logger.warning("the sandbox has no faults API; 0 ms only")
                seed = await load_seed(upstream)
                session = _Session(plan, admin, upstream, sandbox, seed, faults)
                results.faults_supported = faults
                await _run_matrix(session, results, log_dir)
                await _run_workers(session, results, log_dir)
    return results.finish()


def _plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "workloads": list(plan.workloads),
        "latencies_ms": list(plan.latencies),
        "clients": list(plan.clients),
        "duration_s": plan.limits.duration,
        "rounds": plan.limits.rounds,
        "warmup_s": plan.limits.warmup,
        "max_ops": plan.limits.max_ops,
        "workers": plan.workers,
        "quick": plan.quick,
    }


async def _run_matrix(session: _Session, results: Results, log_dir: Path) -> None:
    with _gateway(session, log_dir, workers=1, name="gateway") as gateway:
        async with _gateway_client(gateway, max(session.plan.clients)) as http:
            for name in session.plan.workloads:
                item = workload(name)
                results.matches[item.name] = await _same_answer(session, http, item)
                for measurement in await _run_workload(session, http, gateway, item):
                    results.add(measurement)


@dataclass(frozen=True, slots=True)
class _Contender:
    """One side of a comparison: what it runs and whose costs are measured."""

    config: Config
    operation: Operation
    subject: ProcessTree


async def _run_workload(
    session: _Session, http: httpx.AsyncClient, gateway: Server, item: Workload
) -> list[Measurement]:
    floor_process = ProcessTree(os.getpid(), descendants=False)
    measured: list[Measurement] = []
    for latency in session.plan.latencies:
        if latency and not session.faults:
            continue
        await session.admin.set_latency(latency)
        for clients in session.plan.clients:
            contenders = [
                _Contender(
                    Config(item.name, latency, clients, "gateway"),
                    _gateway_operation(http, item, session.seed),
                    gateway.tree,
                ),
                _Contender(
                    Config(item.name, latency, clients, "floor"),
                    _floor_operation(session.upstream, item, session.seed),
                    floor_process,
                ),
            ]
            measured += await _compare(session, contenders, _ours(session, gateway))
    await session.admin.set_latency(0)
    return measured


async def _compare(
    session: _Session, contenders: list[_Contender], ours: list[ProcessTree]
) -> list[Measurement]:
    """Measure every contender in alternating rounds, warming each up first."""
    limits = session.plan.limits
    samples: list[list[Sample]] = [[] for _ in contenders]
    for round_number in range(limits.rounds):
        for contender, taken in zip(contenders, samples, strict=True):
            logger.info("measuring %s, round %d", contender.config, round_number + 1)
            taken.append(
                await sample(
                    contender.operation,
                    clients=contender.config.clients,
                    limits=limits,
                    subject=contender.subject,
                    ours=ours,
                    admin=session.admin,
                    warm_up=round_number == 0,
                )
            )
    return [
        summarize(contender.config, taken)
        for contender, taken in zip(contenders, samples, strict=True)
    ]


async def _run_workers(session: _Session, results: Results, log_dir: Path) -> None:
    """W1 at the most clients, no latency: one worker against ``plan.workers``."""
    plan = session.plan
    if "W1" not in plan.workloads or plan.workers < 2:
        return
    if not gateway_supports_workers():
        logger.warning("nodestash-gateway serve has no --workers: not measured")
        results.workers = Comparison(plan.workers, supported=False)
        return
    clients = max(plan.clients)
    item = workload("W1")
    await session.admin.set_latency(0)
    with (
        _gateway(session, log_dir, workers=1, name="gateway-one") as one,
        _gateway(session, log_dir, workers=plan.workers, name="gateway-many") as many,
    ):
        async with (
            _gateway_client(one, clients) as one_http,
            _gateway_client(many, clients) as many_http,
        ):
            single, several = await _compare(
                session,
                [
                    _Contender(
                        Config("W1", 0, clients, "gateway"),
                        _gateway_operation(one_http, item, session.seed),
                        one.tree,
                    ),
                    _Contender(
                        Config("W1", 0, clients, "gateway", workers=plan.workers),
                        _gateway_operation(many_http, item, session.seed),
                        many.tree,
                    ),
                ],
                [*_ours(session, one), many.tree],
            )
    results.workers = Comparison(
        plan.workers, supported=True, single=single, measurement=several
    )


def _ours(session: _Session, gateway: Server) -> list[ProcessTree]:
    harness = ProcessTree(os.getpid(), descendants=False)
    return [harness, session.sandbox.tree, gateway.tree]


def _gateway_operation(
    http: httpx.AsyncClient, item: Workload, seed: Seed
) -> Operation:
    document = item.document

    async def operation(n: int) -> None:
        body = {"query": document, "variables": item.variables(seed, n)}
        answer = await _post(http, body)
        if answer.get("errors"):
            raise RuntimeError(f"GraphQL errors: {answer['errors'][:1]}")

    return operation


def _floor_operation(
    upstream: httpx.AsyncClient, item: Workload, seed: Seed
) -> Operation:
    client = FLOOR_CLIENTS[item.name]

    async def operation(n: int) -> None:
        await client(upstream, item.variables(seed, n))

    return operation


async def _post(http: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        content=orjson.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    answer: dict[str, Any] = orjson.loads(response.content)
    return answer


async def _same_answer(
    session: _Session, http: httpx.AsyncClient, item: Workload
) -> bool:
    variables = item.variables(session.seed, 0)
    served = await _post(http, {"query": item.document, "variables": variables})
    floor = await FLOOR_CLIENTS[item.name](session.upstream, variables)
    same: bool = _stable(served) == _stable(floor)
    if not same:
        logger.warning("%s: the gateway and the floor answer differently", item.name)
    return same


def _stable(value: Any) -> Any:
    """``value`` without the fields a write changes on every call."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


@contextmanager
def _sandbox(log_dir: Path) -> Iterator[tuple[Server, str]]:
    port, token = free_port(), new_admin_token()
    settings = {
        "SANDBOX_HOST": "127.0.0.1",
        "SANDBOX_PORT": str(port),
        "SANDBOX_ADMIN_TOKEN": token,
        # The workspace plans' burst limits would turn load into 429s.
        "SANDBOX_RATE_LIMITS": "false",
    }
    with start(
        "sandbox",
        ["sandbox"],
        settings,
        port=port,
        ready_path="/_admin/stats",
        ready_headers={"X-Admin-Token": token},
        log_dir=log_dir,
    ) as sandbox:
        yield sandbox, token


@contextmanager
def _gateway(
    session: _Session, log_dir: Path, *, workers: int, name: str
) -> Iterator[Server]:
    port = free_port()
    settings = {
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(port),
        "GATEWAY_UPSTREAM_URL": f"{session.sandbox.url}/v1",
        "GATEWAY_LOG_LEVEL": "WARNING",
    }
    args = ["serve"] if workers == 1 else ["serve", "--workers", str(workers)]
    with start(
        name, args, settings, port=port, ready_path="/healthz", log_dir=log_dir
    ) as gateway:
        yield gateway


@asynccontextmanager
async def _clients(
    sandbox: Server, token: str
) -> AsyncIterator[tuple[Admin, httpx.AsyncClient]]:
    async with AsyncExitStack() as stack:
        admin = await stack.enter_async_context(
            httpx.AsyncClient(base_url=sandbox.url, timeout=_TIMEOUT)
        )
        upstream = await stack.enter_async_context(
            httpx.AsyncClient(
                base_url=f"{sandbox.url}/v1",
                headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
                timeout=_TIMEOUT,
                limits=httpx.Limits(
                    max_connections=_UPSTREAM_CONNECTIONS,
                    max_keepalive_connections=_UPSTREAM_CONNECTIONS,
                ),
            )
        )
        yield Admin(admin, token), upstream


@asynccontextmanager
async def _gateway_client(
    gateway: Server, clients: int
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=gateway.url,
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        timeout=_TIMEOUT,
        limits=httpx.Limits(max_connections=clients, max_keepalive_connections=clients),
    ) as http:
        yield http
