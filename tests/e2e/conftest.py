"""The demo (sandbox and gateway) over real loopback HTTP, for real clients."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import DEMO_API_KEY

ROOT = Path(__file__).parents[2]


@dataclass(frozen=True)
class Demo:
    """A running `nodestash-gateway demo`, started by the tests."""

    gateway_port: int
    sandbox_port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}/graphql"

    def query(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """Run an operation over HTTP with the demo key; answer its `data`."""
        response = httpx.post(
            self.url,
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
            timeout=10,
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]

    def output(self) -> str:
        """What the demo printed so far, for assertion messages."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listened on port {port}")


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One demo for the package's tests; stopped with Ctrl-C as a person would."""
    sandbox_port, gateway_port = free_port(), free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GATEWAY_", "SANDBOX_"))
    }
    env.update(SANDBOX_PORT=str(sandbox_port), GATEWAY_PORT=str(gateway_port))
    log = tmp_path_factory.mktemp("demo") / "demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "demo"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Demo(gateway_port=gateway_port, sandbox_port=sandbox_port, log=log)
    try:
        try:
            wait_until_listening(gateway_port, process)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{running.output()}") from None
        yield running
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
