"""The Dockerfile's promises, checked without a Docker engine.

Multi-stage on a slim base, a non-root user, the gateway as entry point
configured by environment variables, and a HEALTHCHECK whose command is run
here against a real gateway.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib

from gateway.settings import GatewaySettings
from sandbox import SandboxSettings
from tests.e2e.conftest import ROOT, Demo, free_port

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
DOCKERIGNORE = (ROOT / ".dockerignore").read_text(encoding="utf-8")


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined."""
    lines = re.sub(r"\\\n", " ", DOCKERFILE).splitlines()
    pairs = []
    for line in (line.strip() for line in lines):
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            pairs.append((keyword.upper(), " ".join(arguments.split())))
    return pairs


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, arguments in _instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, arguments))
    return stages


def _one(stage: list[tuple[str, str]], keyword: str) -> str:
    found = [arguments for name, arguments in stage if name == keyword]
    assert len(found) == 1, (keyword, found)
    return found[0]


def _healthcheck_command() -> list[str]:
    healthcheck = _one(_stages()[-1], "HEALTHCHECK")
    command: list[str] = json.loads(healthcheck.split(" CMD ", 1)[1])
    return command


def test_image_is_multi_stage_on_a_slim_base() -> None:
    stages = _stages()
    bases = [_one(stage, "FROM").split()[0] for stage in stages]
    image = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, flags=re.MULTILINE)

    assert len(stages) >= 2
    assert image and re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", image.group(1))
    assert set(bases) == {"${PYTHON_IMAGE}"}
    assert "AS build" in _one(stages[0], "FROM")
    final_copies = [args for name, args in stages[-1] if name == "COPY"]
    assert final_copies == ["--from=build /opt/venv /opt/venv"]


def test_final_stage_runs_as_a_non_root_user() -> None:
    user = _one(_stages()[-1], "USER")

    assert user.split(":")[0] not in {"root", "0"}
    assert int(user.split(":")[0]) >= 1000


def test_entry_point_is_the_gateway_configured_by_environment() -> None:
    final = _stages()[-1]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(a for k, a in final if k == "ENV")))

    assert json.loads(_one(final, "ENTRYPOINT")) == ["nodestash-gateway"]
    assert json.loads(_one(final, "CMD")) == ["serve"]
    assert "nodestash-gateway" in scripts["project"]["scripts"]
    assert env["GATEWAY_HOST"] == "0.0.0.0"
    assert _one(final, "EXPOSE") == env["GATEWAY_PORT"]
    assert not any(key in name for name in env for key in ("KEY", "TOKEN"))


def test_build_context_holds_what_the_build_copies() -> None:
    sources = [
        source
        for keyword, arguments in _stages()[0]
        if keyword == "COPY"
        for source in arguments.split()[:-1]
    ]
    allowed = {
        line[1:].rstrip("/") for line in DOCKERIGNORE.splitlines() if line[:1] == "!"
    }

    assert set(sources) == {
        "pyproject.toml",
        "README.md",
        "gateway",
        "schema",
        "sandbox",
    }
    assert all((ROOT / source).exists() for source in sources)
    assert set(sources) == allowed and DOCKERIGNORE.splitlines()[2] == "*"


def test_healthcheck_command_passes_against_a_live_gateway(demo: Demo) -> None:
    command = _healthcheck_command()
    assert command[0] == "python" and "/healthz" in command[-1]
    env = {**os.environ, "GATEWAY_PORT": str(demo.gateway_port)}
    closed = {**os.environ, "GATEWAY_PORT": str(free_port())}

    healthy = subprocess.run(
        [sys.executable, *command[1:]], env=env, capture_output=True, timeout=10
    )
    down = subprocess.run(
        [sys.executable, *command[1:]], env=closed, capture_output=True, timeout=10
    )

    assert healthy.returncode == 0, healthy.stderr
    assert down.returncode != 0


def test_readme_docker_commands_use_real_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Docker\n", 1)[1].split("\n## ", 1)[0]
    names = set(re.findall(r"-e ([A-Z_]+)=", section))
    gateway = {f"GATEWAY_{name.upper()}" for name in GatewaySettings.model_fields}
    sandbox = {f"SANDBOX_{name.upper()}" for name in SandboxSettings.model_fields}

    assert {"GATEWAY_UPSTREAM_URL", "SANDBOX_HOST"} <= names
    assert names <= gateway | sandbox
    assert "nodestash-gateway sandbox" in section
    assert "--no-healthcheck" in section and "docker build" in section
