"""Command line: `python -m sandbox` serves the stand-in; `seed` builds a store.

`python -m sandbox seed --contacts 100000 --database big.sqlite3` writes the
demo data with that many demo contacts into a new SQLite file; serve it with
`SANDBOX_DATABASE=big.sqlite3`. The same size gives the same data every time.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from sandbox.app import serve
from sandbox.database import Store
from sandbox.seed import DEMO_CONTACTS, seed_store
from sandbox.settings import SandboxSettings

__all__ = ["main"]

logger = logging.getLogger("sandbox")


def _count(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="The nodestash sandbox."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve the API (the default; SANDBOX_* settings)")
    seed = commands.add_parser(
        "seed", help="write the demo data, with N demo contacts, into a new file"
    )
    seed.add_argument(
        "--contacts",
        type=_count,
        default=DEMO_CONTACTS,
        metavar="N",
        help=f"demo contacts to create (default {DEMO_CONTACTS})",
    )
    seed.add_argument(
        "--database",
        type=Path,
        required=True,
        metavar="FILE",
        help="the SQLite file to create",
    )
    return parser


def seed_file(database: Path, *, contacts: int) -> bool:
    """Seed a new (or empty) SQLite file; False if it already holds records."""
    store = Store.open(str(database))
    try:
        if store.holds_records():
            return False
        seed_store(store, contacts=contacts)
        store.connection.execute("PRAGMA optimize")
        return True
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command != "seed":
        serve(SandboxSettings())
        return 0
    started = time.perf_counter()
    if not seed_file(args.database, contacts=args.contacts):
        logger.error("%s already holds records; seed a new file", args.database)
        return 1
    elapsed = time.perf_counter() - started
    logger.info(
        "seeded %s with %d demo contacts in %.1f s",
        args.database,
        args.contacts,
        elapsed,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
