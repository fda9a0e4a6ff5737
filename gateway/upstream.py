"""The one HTTP client that talks to nodestash, and the one place its failures
become gateway errors."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson

from gateway.errors import (
    BadUserInput,
    Unauthenticated,
    UpstreamBadResponse,
    UpstreamConflict,
    UpstreamError,
    UpstreamForbidden,
    UpstreamNotFound,
    UpstreamRateLimited,
    UpstreamServerError,
    UpstreamTimeout,
    UpstreamUnauthenticated,
    UpstreamUnavailable,
    UpstreamValidationError,
)
from gateway.metrics import observe_upstream_call
from gateway.resilience import CircuitBreaker, RetryPolicy
from gateway.settings import GatewaySettings
from gateway.shared import LocalState, SharedState
from gateway.tracing import ACTIVE

__all__ = ["Caller", "CircuitOpen", "UpstreamClient"]

logger = logging.getLogger(__name__)

# nodestash's documented error table (nodestash-api.md §6.1); anything else
# that is not a success is the upstream's fault and maps to UPSTREAM_ERROR.
_STATUS_ERRORS: dict[int, type[UpstreamError]] = {
    400: UpstreamValidationError,
    401: UpstreamUnauthenticated,
    403: UpstreamForbidden,
    404: UpstreamNotFound,
    409: UpstreamConflict,
    422: UpstreamValidationError,
    429: UpstreamRateLimited,
}

JSONObject = dict[str, Any]


@dataclass(slots=True)
class Caller:
    """Who an operation runs for: the credential it forwards and its request id.

    ``key`` is a hash of the credential; it is what anything shared between
    requests (concurrency gates, caches) may be keyed by, never the secret.
    ``calls`` counts the upstream calls made for this caller's operation.
    """

    authorization: str | None
    request_id: str
    deadline: float | None = None
    calls: int = 0
    key: str = field(init=False)

    def __post_init__(self) -> None:
        secret = (self.authorization or "").encode()
        self.key = hashlib.sha256(secret).hexdigest()


@dataclass(frozen=True, slots=True)
class _Call:
    """One upstream request, ready to be sent (and sent again)."""

    method: str
    path: str
    params: Mapping[str, str] | None
    content: bytes | None
    headers: dict[str, str]


class CircuitOpen(UpstreamUnavailable):
    """Not sent: the breaker is open because nodestash keeps failing."""


_HOST_FAILURES = (
    UpstreamTimeout,
    UpstreamUnavailable,
    UpstreamServerError,
    UpstreamBadResponse,
)
_RETRYABLE = (
    UpstreamTimeout,
    UpstreamUnavailable,
    UpstreamServerError,
    UpstreamRateLimited,
)


class _Gate:
    """A semaphore shared by every in-flight call made with one credential."""

    __slots__ = ("semaphore", "users")

    def __init__(self, limit: int) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0


class UpstreamClient:
    """Sends nodestash REST calls for a caller, within its concurrency cap.

    One instance per process (created in the app's lifespan); it owns the
    connection pool. ``request`` returns the decoded JSON object, or None for
    an empty success, and raises ``UpstreamError`` subclasses otherwise.
    """

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = 10.0,
        connect_timeout: float = 3.0,
        max_connections: int = 100,
        concurrency: int = 50,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        state: SharedState | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
            ),
            headers={"Accept": "application/json"},
        )
        self._timeout = timeout
        self._concurrency = concurrency
        self._gates: dict[str, _Gate] = {}
        self._retry = retry or RetryPolicy()
        self._breaker = breaker or CircuitBreaker()
        self._state: SharedState = state or LocalState(definitions_ttl=0)

    @classmethod
    def from_settings(
        cls,
        settings: GatewaySettings,
        transport: httpx.AsyncBaseTransport | None = None,
        state: SharedState | None = None,
    ) -> UpstreamClient:
        return cls(
            base_url=settings.upstream_url,
            timeout=settings.upstream_timeout,
            connect_timeout=settings.upstream_connect_timeout,
            max_connections=settings.upstream_max_connections,
            concurrency=settings.upstream_concurrency,
            retry=RetryPolicy(
                attempts=settings.upstream_retries + 1,
                base_delay=settings.upstream_retry_base_delay,
                max_delay=settings.upstream_retry_max_delay,
                max_retry_after=settings.upstream_max_retry_after,
            ),
            breaker=CircuitBreaker(
                threshold=settings.breaker_threshold,
                cooldown=settings.breaker_cooldown,
            ),
            state=state,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> UpstreamClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def request(
        self,
        caller: Caller,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: JSONObject | None = None,
        idempotency_key: str | None = None,
    ) -> JSONObject | None:
        """Send one call and return nodestash's JSON body (None when empty).

        Raises:
            UpstreamError: the subclass matching what went wrong.
        """
        if caller.authorization is None:
            raise Unauthenticated(
                "No credential: send the header Authorization: Bearer <nodestash "
                "API key>."
            )
        call = _Call(
            method=method,
            path=path,
            params=params,
            content=orjson.dumps(body) if body is not None else None,
            headers=self._headers(caller, body=body, idempotency_key=idempotency_key),
        )
        # Reads are safe to repeat; writes only with a key nodestash can use
        # to recognise the repeat (nodestash-api.md §9).
        retryable = method == "GET" or idempotency_key is not None
        attempts = self._retry.attempts if retryable else 1
        for attempt in range(attempts):
            try:
                return await self._attempt(caller, call, attempt)
            except _RETRYABLE as error:
                delay = self._retry_delay(caller, error, attempt)
                if attempt + 1 >= attempts or delay is None:
                    raise
                await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _attempt(
        self, caller: Caller, call: _Call, attempt: int
    ) -> JSONObject | None:
        await self._state.acquire_call(caller.key, deadline=caller.deadline)
        timeout = self._time_left(caller, call.method, call.path)
        if not self._breaker.allow():
            raise CircuitOpen(
                f"nodestash is failing; {call.method} {call.path} was not sent "
                f"while the circuit breaker cools down.",
                method=call.method,
                path=call.path,
            )
        caller.calls += 1
        started = time.perf_counter()
        status: int | str = "-"
        try:
            response = await self._send(caller, call, timeout)
            status = response.status_code
            await self._state.observe_limits(caller.key, response.headers)
            body = _read(response, method=call.method, path=call.path)
        except UpstreamError as error:
            status = error.status or error.code
            self._record_outcome(error)
            raise
        except BaseException:
            # Cancelled (a sibling field failed, the client left): the call
            # says nothing about nodestash, but must not keep the trial slot.
            self._breaker.released()
            raise
        finally:
            _log_call(caller, call, status, started, attempt)
        self._breaker.succeeded()
        return body

    async def _send(
        self, caller: Caller, call: _Call, timeout: float
    ) -> httpx.Response:
        async with self._gate(caller.key), _translated(call.method, call.path):
            async with asyncio.timeout(timeout):
                return await self._http.request(
                    call.method,
                    call.path,
                    params=call.params,
                    content=call.content,
                    headers=call.headers,
                )

    def _record_outcome(self, error: UpstreamError) -> None:
        if isinstance(error, CircuitOpen):
            return
        if isinstance(error, _HOST_FAILURES):
            self._breaker.failed()
        else:
            # nodestash answered sensibly (a 4xx): the host itself is fine.
            self._breaker.succeeded()

    def _retry_delay(
        self, caller: Caller, error: UpstreamError, attempt: int
    ) -> float | None:
        """Seconds to wait before trying again, or None to give up now."""
        if isinstance(error, CircuitOpen) or self._breaker.state == "open":
            # The breaker just opened on this failure: report it, not the refusal
            # a retry would meet.
            return None
        delay = self._retry.backoff(attempt)
        if isinstance(error, UpstreamRateLimited) and error.retry_after is not None:
            if error.retry_after > self._retry.max_retry_after:
                return None
            delay = error.retry_after
        if caller.deadline is not None and time.monotonic() + delay >= caller.deadline:
            return None
        return delay

    def _time_left(self, caller: Caller, method: str, path: str) -> float:
        """This call's time budget: its own timeout, cut to the operation's."""
        if caller.deadline is None:
            return self._timeout
        left = caller.deadline - time.monotonic()
        if left <= 0:
            raise UpstreamTimeout(
                f"The operation's deadline passed before {method} {path} was sent.",
                method=method,
                path=path,
            )
        return min(self._timeout, left)

    def _headers(
        self,
        caller: Caller,
        *,
        body: JSONObject | None,
        idempotency_key: str | None,
    ) -> dict[str, str]:
        headers = {"X-Request-Id": caller.request_id}
        if caller.authorization is not None:
            headers["Authorization"] = caller.authorization
        if body is not None:
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        if (spans := ACTIVE.get()) is not None:
            spans.inject(headers)
        return headers

    @asynccontextmanager
    async def _gate(self, key: str) -> AsyncIterator[None]:
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = _Gate(self._concurrency)
        gate.users += 1
        try:
            async with gate.semaphore:
                yield
        finally:
            gate.users -= 1
            if gate.users == 0:
                del self._gates[key]


@asynccontextmanager
async def _translated(method: str, path: str) -> AsyncIterator[None]:
    """Turn transport failures into gateway errors, keeping the cause."""
    try:
        yield
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise UpstreamTimeout(
            f"nodestash did not answer {method} {path} in time.",
            method=method,
            path=path,
        ) from exc
    except httpx.InvalidURL as exc:
        # Only arguments end up in URLs, and they are checked before: this is
        # the last guard, so the client still gets a clear error.
        raise BadUserInput(
            "An argument is too long, or holds characters that cannot be sent "
            "to nodestash."
        ) from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise UpstreamUnavailable(
            f"nodestash could not be reached for {method} {path}: "
            f"{exc or type(exc).__name__}.",
            method=method,
            path=path,
        ) from exc


def _read(response: httpx.Response, *, method: str, path: str) -> JSONObject | None:
    request_id = response.headers.get("x-request-id")
    context: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": response.status_code,
        "request_id": request_id,
    }
    if response.is_success:
        if not response.content:
            return None
        body = _decode(response.content)
        if body is None:
            raise UpstreamBadResponse(
                f"nodestash answered {method} {path} with a body that is not a "
                "JSON object.",
                **context,
            )
        return body
    raise _status_error(response, context)


def _decode(content: bytes) -> JSONObject | None:
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def _status_error(response: httpx.Response, context: dict[str, Any]) -> UpstreamError:
    body = _decode(response.content) or {}
    error: dict[str, Any] = _object(body.get("error"))
    meta: dict[str, Any] = _object(body.get("meta"))
    context["request_id"] = context["request_id"] or meta.get("request_id")
    context["upstream_code"] = error.get("code")
    status = response.status_code
    message = error.get("message") or f"nodestash answered HTTP {status}."
    if status >= 500:
        # Say whose failure it was: "Internal server error" alone reads like ours.
        message = f"nodestash failed (HTTP {status}): {message}"
    # A status outside the documented table: the server's fault when 5xx,
    # otherwise a plain (not retried) upstream error.
    fallback = UpstreamServerError if status >= 500 else UpstreamError
    error_class = _STATUS_ERRORS.get(status, fallback)
    if error_class is UpstreamValidationError:
        details = error.get("details")
        details = [d for d in details if isinstance(d, dict)] if details else []
        return UpstreamValidationError(message, details=details, **context)
    if error_class is UpstreamRateLimited:
        retry = _retry_after(response, error)
        return UpstreamRateLimited(message, retry_after=retry, **context)
    return error_class(message, **context)


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _retry_after(response: httpx.Response, error: Mapping[str, Any]) -> float | None:
    """Seconds to wait, from ``Retry-After`` (seconds or an HTTP date, RFC 9110
    §10.2.3) or else the body's ``retry_after``; never negative."""
    for value in (response.headers.get("retry-after"), error.get("retry_after")):
        seconds = _seconds(value)
        if seconds is not None:
            return max(0.0, seconds)
    return None


def _seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - datetime.now(UTC)).total_seconds()


def _log_call(
    caller: Caller, call: _Call, status: int | str, started: float, attempt: int
) -> None:
    seconds = time.perf_counter() - started
    fields = {
        "method": call.method,
        "path": call.path,
        "status": status,
        "ms": round(seconds * 1000, 1),
        "attempt": attempt + 1,
        "request_id": caller.request_id,
    }
    logger.info(
        "upstream %(method)s %(path)s status=%(status)s ms=%(ms).1f "
        "attempt=%(attempt)d request_id=%(request_id)s",
        fields,
        extra=fields,
    )
    observe_upstream_call(
        method=call.method, path=call.path, status=status, seconds=seconds
    )
    if (spans := ACTIVE.get()) is not None:
        spans.record_call(
            method=call.method,
            path=call.path,
            headers=call.headers,
            status=status,
            seconds=seconds,
            attempt=attempt,
        )
