"""Command-line entry point: `python -m sandbox` serves the stand-in API."""

from __future__ import annotations

import logging

from sandbox.app import serve
from sandbox.settings import SandboxSettings


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    serve(SandboxSettings())


if __name__ == "__main__":
    main()
