"""The error responses of the sandbox, as exceptions.

Every error a route raises is an `ApiError`; the app renders it as the
nodestash error envelope (nodestash-api.md §3.5) with the status and code of
the error table (§6.1):

    ApiError
    ├── ValidationFailed     400 VALIDATION_ERROR (carries `details`)
    ├── MissingAuth          401 MISSING_AUTH
    ├── InvalidApiKey        401 INVALID_API_KEY
    ├── InvalidAdminToken    401 INVALID_ADMIN_TOKEN (admin routes only)
    ├── InsufficientScope    403 INSUFFICIENT_SCOPE
    ├── NotFound             404 NOT_FOUND
    ├── MethodNotAllowed     405 METHOD_NOT_ALLOWED (not in the docs' table)
    ├── Conflict             409 CONFLICT
    ├── Unprocessable        422 UNPROCESSABLE_ENTITY (carries `details`)
    ├── RateLimited          429 RATE_LIMITED (carries `retry_after`, `upgrade_url`)
    └── InternalError        500 INTERNAL_ERROR
"""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.types import FieldError, JsonObject

UPGRADE_URL = "https://nodestash.io/pricing"

__all__ = [
    "UPGRADE_URL",
    "ApiError",
    "Conflict",
    "InternalError",
    "InvalidAdminToken",
    "InsufficientScope",
    "InvalidApiKey",
    "MethodNotAllowed",
    "MissingAuth",
    "NotFound",
    "RateLimited",
    "Unprocessable",
    "ValidationFailed",
]


class ApiError(Exception):
    """An error answer: HTTP status, machine code, message and field details."""

    status_code = 500
    code = "INTERNAL_ERROR"
    default_message = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = tuple(details)
        self.headers = headers or {}
        super().__init__(self.message)

    def as_json(self) -> JsonObject:
        error: JsonObject = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = [detail.as_json() for detail in self.details]
        return error


class ValidationFailed(ApiError):
    status_code = 400
    code = "VALIDATION_ERROR"
    default_message = "Request validation failed"


class MissingAuth(ApiError):
    status_code = 401
    code = "MISSING_AUTH"
    default_message = "Missing Authorization header"


class InvalidApiKey(ApiError):
    status_code = 401
    code = "INVALID_API_KEY"
    default_message = "Missing or invalid Authorization header"


class InvalidAdminToken(ApiError):
    status_code = 401
    code = "INVALID_ADMIN_TOKEN"
    default_message = "Missing or invalid X-Admin-Token header"


class InsufficientScope(ApiError):
    status_code = 403
    code = "INSUFFICIENT_SCOPE"
    default_message = "This API key lacks a scope the request needs"


class NotFound(ApiError):
    status_code = 404
    code = "NOT_FOUND"
    default_message = "Not found"


class MethodNotAllowed(ApiError):
    status_code = 405
    code = "METHOD_NOT_ALLOWED"
    default_message = "Method not allowed"


class Conflict(ApiError):
    status_code = 409
    code = "CONFLICT"
    default_message = "Conflict"


class Unprocessable(ApiError):
    status_code = 422
    code = "UNPROCESSABLE_ENTITY"
    default_message = "A referenced resource does not exist"


class RateLimited(ApiError):
    """A 429 whose body also tells when to retry and where to upgrade."""

    status_code = 429
    code = "RATE_LIMITED"
    default_message = "Rate limit exceeded"

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: int,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.retry_after = retry_after
        all_headers = {"Retry-After": str(retry_after), **(headers or {})}
        super().__init__(message, headers=all_headers)

    def as_json(self) -> JsonObject:
        return super().as_json() | {
            "retry_after": self.retry_after,
            "upgrade_url": UPGRADE_URL,
        }


class InternalError(ApiError):
    pass
