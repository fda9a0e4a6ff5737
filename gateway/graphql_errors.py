"""The one place GraphQL errors get their ``extensions.code`` and are logged.

Errors raised on purpose carry their code already (graphql-core copies a
``GatewayError``'s ``extensions``); this module gives codes to the errors
graphql-core makes itself, masks anything unexpected, and logs each error at
the level it deserves: expected outcomes are not alarms.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from graphql import GraphQLError, GraphQLSyntaxError

from gateway.errors import GatewayError

__all__ = ["INTERNAL_MESSAGE", "classify"]

logger = logging.getLogger(__name__)

INTERNAL_MESSAGE = "Internal server error."

# graphql-core reports variable values that do not coerce at execution time,
# with no path; unused or undefined variables are validation errors.
_VARIABLE_VALUE_ERROR = re.compile(
    r"^Variable '\$\w+' (has invalid value|got invalid value|of required type"
    r"|of non-null type)"
)


def classify(errors: Iterable[GraphQLError], *, request_id: str | None) -> None:
    """Give every error its code, mask unexpected ones, and log each once."""
    for error in errors:
        original = error.original_error
        if isinstance(original, GatewayError):
            _log_gateway_error(original, error, request_id)
        elif isinstance(error, GraphQLSyntaxError):
            error.extensions = {"code": "GRAPHQL_PARSE_FAILED"}
        elif _VARIABLE_VALUE_ERROR.match(error.message):
            error.extensions = {"code": "BAD_USER_INPUT"}
        elif original is not None:
            _mask(error, original, request_id)
        elif not (error.extensions or {}).get("code"):
            error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED"}


def _log_gateway_error(
    original: GatewayError, error: GraphQLError, request_id: str | None
) -> None:
    level = logging.INFO if original.expected else logging.WARNING
    logger.log(
        level,
        "graphql error code=%s path=%s request_id=%s: %s",
        original.code,
        _path(error),
        request_id,
        original.message,
    )


def _mask(error: GraphQLError, original: BaseException, request_id: str | None) -> None:
    logger.error(
        "unexpected error path=%s request_id=%s",
        _path(error),
        request_id,
        exc_info=(type(original), original, original.__traceback__),
    )
    error.message = INTERNAL_MESSAGE
    error.extensions = {"code": "INTERNAL_SERVER_ERROR"}


def _path(error: GraphQLError) -> str:
    return ".".join(str(part) for part in error.path or ()) or "-"
