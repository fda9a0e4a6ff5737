"""Record ids, request ids and timestamps in nodestash's formats.

Ids are a type prefix plus 21 alphanumerics (nodestash-api.md §2.4); request
ids are `req_` plus 24. Custom field value ids (`cfv_`) are derived from the
entity and definition ids, so the same value keeps the same id across reads
without a table of its own.

Timestamps are stored as ISO 8601 UTC text with microseconds, which sorts
correctly as text, and are strictly increasing within a process, so records
written within one second keep their order under `-created_at` and
`-updated_at`. Responses show them with second precision and `Z` (§2.5);
cursors carry the stored value.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import UTC, datetime, timedelta

__all__ = [
    "ALPHABET",
    "derived_id",
    "format_timestamp",
    "new_id",
    "new_request_id",
    "now_timestamp",
    "public_timestamp",
]

ALPHABET = string.ascii_letters + string.digits
ID_LENGTH = 21
REQUEST_ID_LENGTH = 24


def _random_suffix(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_id(prefix: str) -> str:
    """A fresh random id such as `ct_` + 21 alphanumerics."""
    return prefix + _random_suffix(ID_LENGTH)


def new_request_id() -> str:
    return "req_" + _random_suffix(REQUEST_ID_LENGTH)


def derived_id(prefix: str, *parts: str) -> str:
    """A stable id computed from `parts`, in the same shape as `new_id`."""
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest())
    chars = []
    for _ in range(ID_LENGTH):
        digest, index = divmod(digest, len(ALPHABET))
        chars.append(ALPHABET[index])
    return prefix + "".join(chars)


class _MonotonicClock:
    """UTC now, but never the same or an earlier instant twice."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        moment = max(datetime.now(UTC), self._last + timedelta(microseconds=1))
        self._last = moment
        return moment


_clock = _MonotonicClock()


def format_timestamp(moment: datetime) -> str:
    """`moment` in the stored form, e.g. `2026-01-15T10:30:00.000000Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_timestamp() -> str:
    return format_timestamp(_clock.now())


def public_timestamp(stored: str) -> str:
    """A stored timestamp as responses show it: `2026-01-15T10:30:00Z`."""
    return stored[:19] + "Z"
