"""The sandbox and the gateway as separate processes on free loopback ports.

Both run through the project's own command line (``nodestash-gateway sandbox``
and ``nodestash-gateway serve``), configured only through their ``SANDBOX_*``
and ``GATEWAY_*`` settings, and are stopped when the harness is done with
them. Their output goes to log files that are shown when they fail to start.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from benchmarks.procstat import ProcessTree

__all__ = ["HOST", "Admin", "Server", "gateway_supports_workers", "start"]

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
_READY_TIMEOUT = 60.0
_STOP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Server:
    """A started server process and where it listens."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def tree(self) -> ProcessTree:
        return ProcessTree(self.process.pid)


class Admin:
    """The sandbox's admin API: request counters and injected faults."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self._client = client
        self._headers = {"X-Admin-Token": token}

    async def reset_stats(self) -> None:
        response = await self._client.post("/_admin/stats/reset", headers=self._headers)
        response.raise_for_status()

    async def stats(self) -> dict[str, int]:
        """Upstream requests since the last reset, by ``"METHOD /route"``."""
        response = await self._client.get("/_admin/stats", headers=self._headers)
        response.raise_for_status()
        counts: dict[str, int] = orjson.loads(response.content)["requests"]
        return {route: n for route, n in counts.items() if n}

    async def set_latency(self, latency_ms: int) -> bool:
        """Make every REST call wait ``latency_ms``; False without a faults API."""
        rules: list[dict[str, Any]] = [{"latency_ms": latency_ms}] if latency_ms else []
        response = await self._client.put(
            "/_admin/faults", json={"rules": rules}, headers=self._headers
        )
        if response.status_code in (404, 405):
            return False
        response.raise_for_status()
        return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def new_admin_token() -> str:
    return secrets.token_urlsafe(24)


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "nodestash-gateway"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "gateway.cli", *args]


# Settings the servers read besides their prefixed ones (shared state,
# metrics, tracing): a benchmark measures the defaults, so none is inherited.
_NOT_INHERITED = ("GATEWAY_", "SANDBOX_", "REDIS_", "PROMETHEUS_", "OTEL_")


def _environment(settings: Mapping[str, str]) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_NOT_INHERITED)
    }
    return {**inherited, **settings}


def gateway_supports_workers() -> bool:
    """Whether ``nodestash-gateway serve`` takes ``--workers N``."""
    help_text = subprocess.run(
        [*_command("serve", "--help")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    return "--workers" in help_text


@contextmanager
def start(
    name: str,
    args: list[str],
    settings: Mapping[str, str],
    *,
    port: int,
    ready_path: str,
    ready_headers: Mapping[str, str] | None = None,
    log_dir: Path,
) -> Iterator[Server]:
    """Run ``nodestash-gateway <args>`` until the block ends; wait until it answers."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _command(*args),
            env=_environment(settings),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(name=name, process=process, port=port, log=log)
    try:
        _wait_ready(server, ready_path, ready_headers or {})
        logger.info("%s ready on %s (pid %d)", name, server.url, process.pid)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: Server, path: str, headers: Mapping[str, str]) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT
    with httpx.Client(base_url=server.url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(_failure(server, "exited while starting"))
            try:
                if client.get(path, headers=dict(headers)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(_failure(server, f"did not answer {path} in time"))


def _failure(server: Server, what: str) -> str:
    tail = server.log.read_text(errors="replace").splitlines()[-20:]
    return f"the {server.name} {what}; its log ends:\n" + "\n".join(tail)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
