"""The gateway's error hierarchy and the codes clients see in ``extensions.code``.

    GatewayError
    ├── BadUserInput              BAD_USER_INPUT (gateway-side argument checks)
    ├── NotFound                  NOT_FOUND (a mutation on an unknown id)
    ├── Unauthenticated           UNAUTHENTICATED (no credential to forward)
    └── UpstreamError             anything nodestash answered or failed to answer
        ├── UpstreamValidationError   400 VALIDATION_ERROR, 422 UNPROCESSABLE_ENTITY
        ├── UpstreamUnauthenticated   401 MISSING_AUTH, INVALID_API_KEY
        ├── UpstreamForbidden         403 INSUFFICIENT_SCOPE
        ├── UpstreamNotFound          404 NOT_FOUND
        ├── UpstreamConflict          409 CONFLICT
        ├── UpstreamRateLimited       429 RATE_LIMITED
        ├── UpstreamServerError       5xx and any other unexpected status
        ├── UpstreamTimeout           no answer in time
        ├── UpstreamUnavailable       connection refused or reset
        └── UpstreamBadResponse       a body that is not the documented shape

Every error carries its context as attributes and exposes ``extensions``, which
graphql-core copies onto the GraphQL error it wraps ours in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "BadUserInput",
    "FieldError",
    "GatewayError",
    "NotFound",
    "Unauthenticated",
    "UpstreamBadResponse",
    "UpstreamConflict",
    "UpstreamError",
    "UpstreamForbidden",
    "UpstreamNotFound",
    "UpstreamRateLimited",
    "UpstreamServerError",
    "UpstreamTimeout",
    "UpstreamUnauthenticated",
    "UpstreamUnavailable",
    "UpstreamValidationError",
    "camel_case",
]

_SNAKE_PART = re.compile(r"_([a-z0-9])")


def camel_case(name: str) -> str:
    """``first_name`` -> ``firstName``: nodestash's names as GraphQL spells them."""
    return _SNAKE_PART.sub(lambda match: match.group(1).upper(), name)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input value, located by its path in GraphQL terms."""

    path: tuple[str | int, ...]
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": list(self.path), "message": self.message}


class GatewayError(Exception):
    """Base of every error the gateway raises on purpose."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    expected: ClassVar[bool] = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code}


class BadUserInput(GatewayError):
    """An argument the gateway refuses before asking nodestash anything."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, field_errors: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.field_errors = tuple(field_errors)

    @classmethod
    def at(cls, path: Sequence[str | int], message: str) -> BadUserInput:
        """One invalid argument, with the whole message naming where it is."""
        where = ".".join(str(part) for part in path)
        return cls(f"{where}: {message}", [FieldError(tuple(path), message)])

    @property
    def extensions(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "fieldErrors": [error.as_dict() for error in self.field_errors],
        }


class NotFound(GatewayError):
    """A mutation named a record that does not exist for this caller."""

    code = "NOT_FOUND"


class Unauthenticated(GatewayError):
    """The request carried no credential to forward to nodestash."""

    code = "UNAUTHENTICATED"


class UpstreamError(GatewayError):
    """nodestash answered with an error, or did not answer usefully.

    Attributes:
        method: HTTP method of the upstream call.
        path: path of the upstream call, relative to the upstream base URL.
        status: HTTP status nodestash answered with, or None without an answer.
        upstream_code: ``error.code`` from nodestash's body, when there was one.
        request_id: nodestash's ``meta.request_id`` / ``X-Request-Id``.
    """

    code = "UPSTREAM_ERROR"

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int | None = None,
        upstream_code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.status = status
        self.upstream_code = upstream_code
        self.request_id = request_id

    @property
    def extensions(self) -> dict[str, Any]:
        extensions: dict[str, Any] = {"code": self.code}
        if self.status is not None:
            extensions["upstream"] = {
                "status": self.status,
                "code": self.upstream_code,
                "requestId": self.request_id,
            }
        return extensions


class UpstreamValidationError(UpstreamError):
    """nodestash refused the values sent (400 or 422).

    ``details`` keeps nodestash's ``[{field, message}]``; ``locate`` turns them
    into GraphQL input paths once the caller knows which argument was sent.
    """

    code = "BAD_USER_INPUT"

    def __init__(
        self,
        message: str,
        *,
        details: Sequence[Mapping[str, Any]] = (),
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.details = tuple(details)
        self.field_errors = tuple(
            FieldError(_field_path(detail.get("field")), str(detail.get("message")))
            for detail in self.details
        )

    def locate(
        self,
        prefix: Sequence[str],
        renames: Mapping[str, Sequence[str]] | None = None,
    ) -> UpstreamValidationError:
        """Re-root field paths under a GraphQL argument, e.g. ``("input",)``.

        Args:
            prefix: the argument path the upstream body was built from.
            renames: upstream field names whose GraphQL path is not simply the
                camelCase name under ``prefix`` (list filters, for example).
        """
        renames = renames or {}
        located = []
        for detail, error in zip(self.details, self.field_errors, strict=True):
            field = str(detail.get("field") or "")
            head, _, rest = field.partition(".")
            base: tuple[str | int, ...]
            if head in renames:
                base = (*renames[head], *([rest] if rest else []))
            else:
                base = error.path
            located.append(FieldError((*prefix, *base), error.message))
        self.field_errors = tuple(located)
        return self

    @property
    def extensions(self) -> dict[str, Any]:
        extensions = super().extensions
        extensions["fieldErrors"] = [error.as_dict() for error in self.field_errors]
        return extensions


def _field_path(field: object) -> tuple[str, ...]:
    if not isinstance(field, str) or not field:
        return ()
    head, _, rest = field.partition(".")
    # A custom field's slug is data, not a schema name: keep it as sent.
    return (camel_case(head), rest) if rest else (camel_case(head),)


class UpstreamUnauthenticated(UpstreamError):
    code = "UNAUTHENTICATED"


class UpstreamForbidden(UpstreamError):
    code = "FORBIDDEN"


class UpstreamNotFound(UpstreamError):
    code = "NOT_FOUND"


class UpstreamConflict(UpstreamError):
    code = "CONFLICT"


class UpstreamRateLimited(UpstreamError):
    """nodestash's quota or burst limit was hit; ``retry_after`` is in seconds."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: float | None, **context: Any):
        super().__init__(message, **context)
        self.retry_after = retry_after

    @property
    def extensions(self) -> dict[str, Any]:
        extensions = super().extensions
        extensions["retryAfter"] = self.retry_after
        return extensions


class UpstreamServerError(UpstreamError):
    expected = False


class UpstreamTimeout(UpstreamError):
    code = "UPSTREAM_TIMEOUT"
    expected = False


class UpstreamUnavailable(UpstreamError):
    code = "UPSTREAM_UNAVAILABLE"
    expected = False


class UpstreamBadResponse(UpstreamError):
    code = "UPSTREAM_BAD_RESPONSE"
    expected = False
