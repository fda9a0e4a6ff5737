"""Request body checks that report every failing field at once.

A route reads its JSON body with `parse_body`, then `read_fields` runs one
checker per known field and records a `FieldError` for each unknown field,
each missing required field and each bad value, using the body's snake_case
names. Messages follow the Zod wording seen in the docs (nodestash-api.md
§6.1). Strings may be empty unless a minimum is stated; email addresses are
at most 254 characters (RFC 5321), since the docs give no maximum.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping

import orjson

from sandbox.errors import ValidationFailed
from sandbox.types import FieldError, JsonObject

__all__ = [
    "EMAIL_PATTERN",
    "Checker",
    "Invalid",
    "Problems",
    "boolean",
    "choice",
    "describe",
    "email",
    "expected",
    "integer",
    "json_object",
    "parse_body",
    "read_fields",
    "string_list",
    "text",
]

EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MAX_LENGTH = 254

Checker = Callable[[object], object]


class Invalid(Exception):
    """Raised by a checker; the message becomes the field error's message."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class Problems:
    """Collects field errors, then raises them together as one 400."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    @property
    def fields(self) -> set[str]:
        """The fields that already have an error."""
        return {error.field for error in self.errors}

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(details=self.errors)


def describe(value: object) -> str:
    """The JSON type name of `value`, as used in "received ..." messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def parse_body(raw: bytes) -> JsonObject:
    """The request body as a JSON object, or 400 when it is not one."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValidationFailed("Malformed JSON body") from None
    if not isinstance(body, dict):
        raise ValidationFailed("Request body must be a JSON object")
    return body


def read_fields(
    body: JsonObject,
    checkers: Mapping[str, Checker],
    *,
    problems: Problems,
    required: Collection[str] = (),
) -> JsonObject:
    """The checked values of the fields present in `body`, by field name."""
    values: JsonObject = {}
    for name, value in body.items():
        checker = checkers.get(name)
        if checker is None:
            problems.add(name, "Unrecognized field")
            continue
        try:
            values[name] = checker(value)
        except Invalid as exc:
            problems.add(name, exc.message)
    for name in required:
        if name not in body:
            problems.add(name, "Required")
    return values


def expected(kind: str, value: object) -> Invalid:
    """The error for a value of the wrong JSON type."""
    return Invalid(f"Expected {kind}, received {describe(value)}")


def _check_length(value: str, *, min_length: int, max_length: int) -> None:
    if len(value) < min_length:
        raise Invalid(f"String must contain at least {min_length} character(s)")
    if len(value) > max_length:
        raise Invalid(f"String must contain at most {max_length} character(s)")


def text(*, max_length: int, min_length: int = 0, nullable: bool = True) -> Checker:
    """A string of bounded length, or null when `nullable`."""

    def check(value: object) -> object:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise expected("string", value)
        _check_length(value, min_length=min_length, max_length=max_length)
        return value

    return check


def email(value: object) -> object:
    """A plausible email address, or null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise expected("string", value)
    _check_length(value, min_length=0, max_length=EMAIL_MAX_LENGTH)
    if not EMAIL_PATTERN.fullmatch(value):
        raise Invalid("Invalid email")
    return value


def string_list(
    *, max_items: int, max_length: int, unique: bool, min_items: int = 0
) -> Checker:
    """An array of non-empty strings; duplicates dropped, or refused if `unique`."""

    def check(value: object) -> object:
        if not isinstance(value, list):
            raise expected("array", value)
        if len(value) < min_items:
            raise Invalid(f"Array must contain at least {min_items} element(s)")
        if len(value) > max_items:
            raise Invalid(f"Array must contain at most {max_items} element(s)")
        for index, item in enumerate(value):
            _check_item(index, item, max_length=max_length)
        if unique and len(set(value)) != len(value):
            raise Invalid("Array elements must be unique")
        return list(dict.fromkeys(value))

    return check


def _check_item(index: int, item: object, *, max_length: int) -> None:
    if not isinstance(item, str):
        raise Invalid(f"Element {index}: {expected('string', item).message}")
    try:
        _check_length(item, min_length=1, max_length=max_length)
    except Invalid as exc:
        raise Invalid(f"Element {index}: {exc.message}") from None


def json_object(value: object) -> object:
    """A JSON object (never null) that can be stored as JSON again."""
    if not isinstance(value, dict):
        raise expected("object", value)
    try:
        orjson.dumps(value)
    except orjson.JSONEncodeError:
        # orjson parses deeper documents than it writes (1,024 vs 254 levels).
        raise Invalid("Object is nested too deeply") from None
    return value


def boolean(value: object) -> object:
    if not isinstance(value, bool):
        raise expected("boolean", value)
    return value


def integer(*, minimum: int, maximum: int) -> Checker:
    """A JSON integer within [minimum, maximum] (booleans refused)."""

    def check(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int):
            raise expected("integer", value)
        if not minimum <= value <= maximum:
            raise Invalid(f"Number must be between {minimum} and {maximum}")
        return value

    return check


def choice(allowed: Collection[str]) -> Checker:
    """One of the `allowed` strings."""
    listed = " | ".join(f"'{item}'" for item in allowed)

    def check(value: object) -> object:
        if not isinstance(value, str) or value not in allowed:
            received = f"'{value}'" if isinstance(value, str) else describe(value)
            raise Invalid(f"Invalid enum value. Expected {listed}, received {received}")
        return value

    return check
