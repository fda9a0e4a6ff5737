"""The nine custom field types and how a value is checked against each.

Value shapes follow nodestash-api.md §12.1. Where the docs stop, the sandbox
checks: numbers are JSON numbers (booleans refused); dates are real calendar
dates written `YYYY-MM-DD`; `select` values are one of the options and
`multi_select` values an array of options (repeats allowed); URLs are
`http`/`https` with a host and no spaces; emails have one `@` and a dot in
the domain; `text` and `phone` take any string, with no length limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from urllib.parse import urlsplit

from sandbox.validation import EMAIL_PATTERN, describe

__all__ = ["FIELD_TYPES", "SELECT_TYPES", "value_problem"]

FIELD_TYPES = (
    "text",
    "number",
    "boolean",
    "date",
    "select",
    "multi_select",
    "url",
    "email",
    "phone",
)
SELECT_TYPES = frozenset({"select", "multi_select"})

_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

_Check = Callable[[object, Sequence[str]], str | None]


def _string(value: object, options: Sequence[str]) -> str | None:
    if isinstance(value, str):
        return None
    return f"Expected string, received {describe(value)}"


def _number(value: object, options: Sequence[str]) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None
    return f"Expected number, received {describe(value)}"


def _boolean(value: object, options: Sequence[str]) -> str | None:
    if isinstance(value, bool):
        return None
    return f"Expected boolean, received {describe(value)}"


def _date(value: object, options: Sequence[str]) -> str | None:
    if isinstance(value, str) and _DATE_PATTERN.fullmatch(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            return "Invalid date; expected a calendar date as YYYY-MM-DD"
        return None
    return "Invalid date; expected a calendar date as YYYY-MM-DD"


def _option_list(options: Sequence[str]) -> str:
    return ", ".join(f"'{option}'" for option in options)


def _select(value: object, options: Sequence[str]) -> str | None:
    if isinstance(value, str) and value in options:
        return None
    return f"Invalid option; expected one of {_option_list(options)}"


def _multi_select(value: object, options: Sequence[str]) -> str | None:
    if isinstance(value, list) and all(
        isinstance(item, str) and item in options for item in value
    ):
        return None
    return f"Expected an array of options from {_option_list(options)}"


def _url(value: object, options: Sequence[str]) -> str | None:
    if not isinstance(value, str) or any(char.isspace() for char in value):
        return "Invalid url"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "Invalid url"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Invalid url"
    return None


def _email(value: object, options: Sequence[str]) -> str | None:
    if isinstance(value, str) and EMAIL_PATTERN.fullmatch(value):
        return None
    return "Invalid email"


_CHECKS: dict[str, _Check] = {
    "text": _string,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "select": _select,
    "multi_select": _multi_select,
    "url": _url,
    "email": _email,
    "phone": _string,
}


def value_problem(
    *, field_type: str, options: Sequence[str] | None, value: object
) -> str | None:
    """Why `value` does not fit a field of `field_type`, or None if it does."""
    return _CHECKS[field_type](value, options or ())
