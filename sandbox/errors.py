"""The error responses of the sandbox, as exceptions.

Every error a route raises is an `ApiError`; the app renders it as the
nodestash error envelope (nodestash-api.md §3.5) with the status and code of
the error table (§6.1):

    ApiError
    ├── ValidationFailed     400 VALIDATION_ERROR (carries `details`)
    ├── MissingAuth          401 MISSING_AUTH
    ├── InvalidApiKey        401 INVALID_API_KEY
    ├── InvalidAdminToken    401 INVALID_ADMIN_TOKEN (admin routes only)
    ├── NotFound             404 NOT_FOUND
    ├── MethodNotAllowed     405 METHOD_NOT_ALLOWED (not in the docs' table)
    ├── Conflict             409 CONFLICT
    ├── Unprocessable        422 UNPROCESSABLE_ENTITY (carries `details`)
    └── InternalError        500 INTERNAL_ERROR
"""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.types import FieldError, JsonObject

__all__ = [
    "ApiError",
    "Conflict",
    "InternalError",
    "InvalidAdminToken",
    "InvalidApiKey",
    "MethodNotAllowed",
    "MissingAuth",
    "NotFound",
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


class InternalError(ApiError):
    pass
