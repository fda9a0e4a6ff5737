"""Logging set-up for the gateway's entry points (nothing else configures it).

Two formats read the same records: ``text`` for people, and ``json`` for
machines, one object per line with the record's structured fields (passed
with ``extra=``) and the id of the request it was logged for.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

__all__ = [
    "REQUEST_ID",
    "JsonFormatter",
    "LogFormat",
    "TextFormatter",
    "configure_logging",
]

LogFormat = Literal["text", "json"]

# The request being served; set by RequestIdMiddleware, read by JsonFormatter
# so that every line logged while serving it names it.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
# Attributes every LogRecord has; anything else on a record came from extra=.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None))
) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: the basics, then its extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key != "color_message":
                entry[key] = value
        if "request_id" not in entry and (request_id := REQUEST_ID.get()):
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """The text format, with control characters in messages escaped.

    Messages can quote what clients sent (an id, an operation name); escaping
    keeps one record on one line, so no client can forge a log line.
    """

    def __init__(self) -> None:
        super().__init__(_TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = _CONTROL.sub(_escape, record.message)
        return super().formatMessage(record)


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class _GatewayHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler configure_logging installs (and replaces on a repeat)."""


def configure_logging(level: str, log_format: LogFormat = "text") -> None:
    """Send log lines to stderr at ``level``; only entry points call this.

    Args:
        level: the root logger's level name, e.g. ``INFO``.
        log_format: ``text`` for people, ``json`` for one object per line.
    """
    handler = _GatewayHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, _GatewayHandler)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(level)
    # Our upstream client logs one line per call; httpx's own would repeat it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
