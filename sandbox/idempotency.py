"""`Idempotency-Key` on writes: the first answer is remembered and replayed (§9).

Sandbox choices where the docs are silent:

- The header is honoured on every POST and PATCH and on the PUT of custom
  field values; GET and DELETE ignore it.
- A key is remembered per workspace, method and path (the query is not part
  of it) for `SANDBOX_IDEMPOTENCY_TTL_SECONDS` (24 hours by default). Keys
  are kept in the store, so a file database remembers them across restarts.
- Only a successful (2xx) answer is remembered. A request that failed wrote
  nothing, so the same key may be sent again and the request runs again.
- The same key with the same body (compared as JSON: spacing and key order
  do not matter) replays the first answer without running the request
  again: its status, body and `X-Request-Id`, plus `Idempotent-Replayed:
  true`. Rate-limit headers are the replaying request's own.
- The same key with a different body is refused with 422
  `UNPROCESSABLE_ENTITY` (field `Idempotency-Key`), and nothing is written.
- A key is 1 to 255 characters; any other is a 400 on `Idempotency-Key`.
- Authentication and scopes are checked before a replay.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from starlette.requests import Request
from starlette.responses import Response

from sandbox.database import Store
from sandbox.envelopes import request_id_of
from sandbox.errors import Unprocessable, ValidationFailed
from sandbox.tables import Workspace
from sandbox.types import FieldError

__all__ = ["HEADER", "IdempotencyStore", "KEY_MAX_LENGTH", "REPLAYED_HEADER"]

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255

Produce = Callable[[bytes], Response]


@dataclass(frozen=True, slots=True)
class _Ident:
    workspace_id: str
    method: str
    path: str
    key: str


class IdempotencyStore:
    """Remembers successful writes by idempotency key, for `ttl_seconds`."""

    def __init__(
        self,
        store: Store,
        *,
        ttl_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = store.connection
        self._ttl = ttl_seconds
        self._clock = clock

    async def respond(
        self, request: Request, *, workspace: Workspace, produce: Produce
    ) -> Response:
        """`produce(body)`, or the remembered answer to the same key and body."""
        body = await request.body()
        key = request.headers.get(HEADER)
        if key is None:
            return produce(body)
        _check_key(key)
        ident = _Ident(workspace.id, request.method, request.url.path, key)
        fingerprint = _fingerprint(body)
        # Nothing below awaits, so no other request runs between look-up and
        # record: two requests with one key cannot both write.
        replay = self._replay(ident, fingerprint)
        if replay is not None:
            return replay
        response = produce(body)
        if 200 <= response.status_code < 300:
            self._remember(
                ident,
                fingerprint=fingerprint,
                response=response,
                request_id=request_id_of(request),
            )
        return response

    def _replay(self, ident: _Ident, fingerprint: str) -> Response | None:
        row = self._db.execute(
            "SELECT fingerprint, status, headers, body FROM idempotency_keys"
            " WHERE workspace_id = ? AND method = ? AND path = ? AND key = ?"
            " AND created_at >= ?",
            (*_columns(ident), self._clock() - self._ttl),
        ).fetchone()
        if row is None:
            return None
        if row["fingerprint"] != fingerprint:
            message = (
                f"{HEADER} '{ident.key}' was already used with a different request body"
            )
            raise Unprocessable(message, details=[FieldError(HEADER, message)])
        headers = orjson.loads(row["headers"]) | {REPLAYED_HEADER: "true"}
        return Response(row["body"], status_code=row["status"], headers=headers)

    def _remember(
        self,
        ident: _Ident,
        *,
        fingerprint: str,
        response: Response,
        request_id: str,
    ) -> None:
        now = self._clock()
        headers = {
            "content-type": response.headers.get("content-type", "application/json"),
            "X-Request-Id": request_id,
        }
        self._db.execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?", (now - self._ttl,)
        )
        self._db.execute(
            "INSERT OR REPLACE INTO idempotency_keys (workspace_id, method, path,"
            " key, fingerprint, status, headers, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *_columns(ident),
                fingerprint,
                response.status_code,
                orjson.dumps(headers).decode(),
                bytes(response.body),
                now,
            ),
        )


def _columns(ident: _Ident) -> tuple[str, str, str, str]:
    return (ident.workspace_id, ident.method, ident.path, ident.key)


def _check_key(key: str) -> None:
    if 1 <= len(key) <= KEY_MAX_LENGTH:
        return
    message = f"Must be between 1 and {KEY_MAX_LENGTH} characters"
    raise ValidationFailed(details=[FieldError(HEADER, message)])


def _fingerprint(body: bytes) -> str:
    """A digest of the body as JSON, or of its bytes when it is not JSON."""
    try:
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()
