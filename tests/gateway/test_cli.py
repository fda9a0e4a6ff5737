"""The command line, and the demo end to end over real loopback HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.cli import main
from sandbox import DEMO_API_KEY

ROOT = Path(__file__).parents[2]


def test_schema_command_prints_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0

    printed = capsys.readouterr().out
    assert printed == (ROOT / "schema.graphql").read_text(encoding="utf-8")


def test_seed_command_writes_a_new_file(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"

    first = main(["seed", "--database", str(database), "--contacts", "30"])
    again = main(["seed", "--database", str(database)])

    assert first == 0 and database.stat().st_size > 0
    assert again == 1


def test_demo_names_a_busy_port(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "GATEWAY_PORT": str(port), "SANDBOX_PORT": "0"}
        demo = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "demo"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert demo.returncode == 1
    assert f"port {port} is in use" in demo.stderr
    assert "GATEWAY_PORT" in demo.stderr


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])

    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    commands = ("serve", "sandbox", "seed", "demo", "schema")
    assert all(command in out for command in commands)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(port: int, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port}")


def test_demo_serves_graphql_over_loopback_and_stops_cleanly() -> None:
    sandbox_port, gateway_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "SANDBOX_PORT": str(sandbox_port),
        "GATEWAY_PORT": str(gateway_port),
    }
    demo = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_until_listening(gateway_port, demo)
        response = httpx.post(
            f"http://127.0.0.1:{gateway_port}/graphql",
            json={"query": "{ contacts(first: 3) { nodes { id company { name } } } }"},
            headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        )
        page = httpx.get(
            f"http://127.0.0.1:{gateway_port}/graphql",
            headers={"Accept": "text/html"},
        )
    finally:
        # Ctrl-C in a terminal: SIGINT to the whole process group.
        os.killpg(demo.pid, signal.SIGINT)
        output, _ = demo.communicate(timeout=20)

    assert response.status_code == 200, output
    assert len(response.json()["data"]["contacts"]["nodes"]) == 3
    assert DEMO_API_KEY in page.text
    assert demo.returncode == 0, output
    assert "Traceback" not in output, output
    assert f"http://127.0.0.1:{gateway_port}/graphql" in output
    assert DEMO_API_KEY in output
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", sandbox_port), timeout=0.5).close()


def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def test_serve_with_two_workers() -> None:
    sandbox_port, gateway_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "SANDBOX_PORT": str(sandbox_port),
        "GATEWAY_PORT": str(gateway_port),
        "GATEWAY_UPSTREAM_URL": f"http://127.0.0.1:{sandbox_port}/v1",
    }
    command = [sys.executable, "-m", "gateway.cli"]
    processes = [
        subprocess.Popen(
            [*command, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for args in (["sandbox"], ["serve", "--workers", "2"])
    ]
    sandbox, gateway = processes
    try:
        _wait_until_listening(sandbox_port, sandbox)
        _wait_until_listening(gateway_port, gateway)
        answers = [
            httpx.post(
                f"http://127.0.0.1:{gateway_port}/graphql",
                json={"query": "{ contacts(first: 1) { nodes { id } } }"},
                headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
            )
            for _ in range(6)
        ]
        workers = _children(gateway.pid)
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        outputs = [process.communicate(timeout=20)[0] for process in processes]

    assert all(answer.status_code == 200 for answer in answers), outputs
    assert all(answer.json()["data"]["contacts"]["nodes"] for answer in answers)
    assert len(workers) >= 2, outputs


def test_bad_setting_is_named_not_traced() -> None:
    env = {**os.environ, "GATEWAY_UPSTREAM_TIMEOUT": "abc"}

    run = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert run.returncode == 2
    assert "GATEWAY_UPSTREAM_TIMEOUT" in run.stderr
    assert "Traceback" not in run.stderr
