"""Logging set-up for the gateway's entry points (nothing else configures it)."""

from __future__ import annotations

import logging

__all__ = ["configure_logging"]


def configure_logging(level: str) -> None:
    """Send log lines to stderr at ``level``; only entry points call this."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    # Our upstream client logs one line per call; httpx's own would repeat it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
