"""``nodestash-gateway``: serve the gateway, run the sandbox, or both for a demo."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import uvicorn
from pydantic import ValidationError

from gateway.logs import configure_logging
from gateway.settings import GatewaySettings

__all__ = ["main"]

logger = logging.getLogger("gateway")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.command(args) or 0)
    except (ValidationError, ValueError, OSError) as error:
        # A bad setting or file is the operator's to fix: say which, plainly.
        sys.stderr.write(f"nodestash-gateway: {_described(error)}\n")
        return 2


def _described(error: Exception) -> str:
    if not isinstance(error, ValidationError):
        return str(error)
    prefix = "SANDBOX_" if error.title == "SandboxSettings" else "GATEWAY_"
    problems = [
        f"{prefix}{'_'.join(str(part) for part in item['loc']).upper()}: {item['msg']}"
        for item in error.errors()
    ]
    return "invalid settings; " + "; ".join(problems)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nodestash-gateway",
        description="GraphQL gateway for the nodestash CRM API.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the gateway (GATEWAY_* settings)")
    serve.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes (default: GATEWAY_WORKERS, else 1)",
    )
    serve.set_defaults(command=_serve)
    sandbox = commands.add_parser(
        "sandbox", help="serve the nodestash stand-in (SANDBOX_* settings)"
    )
    sandbox.set_defaults(command=_sandbox)
    demo = commands.add_parser(
        "demo", help="the sandbox with demo data, and the gateway in front of it"
    )
    demo.set_defaults(command=_demo)
    seed = commands.add_parser(
        "seed", help="write the sandbox's demo data into a new SQLite file"
    )
    seed.add_argument("--database", required=True, metavar="FILE")
    seed.add_argument(
        "--contacts", type=int, metavar="N", help="demo contacts (default 240)"
    )
    seed.set_defaults(command=_seed)
    sdl = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    sdl.set_defaults(command=_schema)
    return parser


def _serve(args: argparse.Namespace, settings: GatewaySettings | None = None) -> int:
    from gateway.app import create_app

    workers = getattr(args, "workers", None)
    settings = settings or GatewaySettings()
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)  # built first: a bad manifest fails before any log
    logger.info("gateway on http://%s:%d/graphql", settings.host, settings.port)
    logger.info("upstream %s, %d worker(s)", settings.upstream_url, settings.workers)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "access_log": False,
    }
    if settings.workers > 1:
        # Each worker process builds its own app from the same environment.
        uvicorn.run(
            "gateway.app:app_from_environment",
            factory=True,
            workers=settings.workers,
            **options,
        )
    else:
        uvicorn.run(app, **options)
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    from sandbox.app import serve
    from sandbox.settings import SandboxSettings

    configure_logging("INFO")
    try:
        serve(SandboxSettings())
    except KeyboardInterrupt:
        # Ctrl-C is how the sandbox is meant to stop; uvicorn already shut down.
        pass
    return 0


def _demo(args: argparse.Namespace) -> int:
    from sandbox.seed import DEMO_API_KEY
    from sandbox.settings import SandboxSettings

    sandbox_settings = SandboxSettings()
    upstream = f"http://{sandbox_settings.host}:{sandbox_settings.port}/v1"
    settings = GatewaySettings(upstream_url=upstream, graphiql_api_key=DEMO_API_KEY)
    busy = [
        f"{name} port {port} is in use; choose another with {variable}=…"
        for name, host, port, variable in (
            (
                "The sandbox",
                sandbox_settings.host,
                sandbox_settings.port,
                "SANDBOX_PORT",
            ),
            ("The gateway", settings.host, settings.port, "GATEWAY_PORT"),
        )
        if not _port_free(host, port)
    ]
    if busy:
        for line in busy:
            logger.error(line)
        return 1
    child = subprocess.Popen([sys.executable, "-m", "gateway.cli", "sandbox"])
    try:
        if not _wait_for_port(sandbox_settings.host, sandbox_settings.port, child):
            return 1
        _announce(settings, upstream, DEMO_API_KEY)
        return _serve(args, settings)
    finally:
        _stop(child)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a last run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _announce(settings: GatewaySettings, upstream: str, key: str) -> None:
    lines = [
        "",
        f"  GraphiQL:  http://{settings.host}:{settings.port}/graphql",
        f"  Sandbox:   {upstream}",
        f"  Demo key:  {key}",
        "",
        "  Ctrl-C stops both.",
        "",
    ]
    print("\n".join(lines), flush=True)  # noqa: T201 - the demo's welcome


def _wait_for_port(host: str, port: int, child: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if child.poll() is not None:
            logger.error("the sandbox exited with status %s", child.returncode)
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    logger.error("the sandbox did not start listening on %s:%d", host, port)
    return False


def _stop(child: subprocess.Popen[bytes]) -> None:
    # Ctrl-C in a terminal reaches the sandbox too: give it a moment to stop
    # on its own, since a second SIGINT makes uvicorn skip its clean shutdown.
    for signal_first in (None, signal.SIGINT):
        if child.poll() is not None:
            return
        if signal_first is not None:
            child.send_signal(signal_first)
        try:
            child.wait(timeout=3 if signal_first is None else 10)
            return
        except subprocess.TimeoutExpired:
            continue
    child.kill()
    child.wait()


def _seed(args: argparse.Namespace) -> int:
    from sandbox.__main__ import main as sandbox_main

    argv = ["seed", "--database", args.database]
    if args.contacts is not None:
        argv += ["--contacts", str(args.contacts)]
    return sandbox_main(argv)


def _schema(args: argparse.Namespace) -> int:
    from schema import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
