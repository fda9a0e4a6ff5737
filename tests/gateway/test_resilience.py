"""Retries, backoff, Retry-After, burst pacing, the breaker and the deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.context import GatewayContext
from gateway.errors import (
    UpstreamError,
    UpstreamRateLimited,
    UpstreamServerError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.resilience import CircuitBreaker, RetryPolicy
from gateway.settings import GatewaySettings
from gateway.upstream import Caller, UpstreamClient
from sandbox import DEMO_API_KEY
from schema import GatewaySchema
from tests.conftest import UPSTREAM, serving

BASE = "http://upstream.test/v1"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
CONTACT = {
    "id": "ct_abc",
    "email": "a@b.test",
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    "tags": [],
    "custom_fields": {},
}


def _ok(record: dict[str, Any] = CONTACT, **headers: str) -> httpx.Response:
    return httpx.Response(200, json={"data": {"attributes": record}}, headers=headers)


def _client(handler: Callable[..., Any], **options: Any) -> UpstreamClient:
    options.setdefault("retry", FAST_RETRY)
    return UpstreamClient(
        base_url=BASE, transport=httpx.MockTransport(handler), **options
    )


def _caller(deadline: float | None = None) -> Caller:
    return Caller("Bearer nds_test_key", "rid", deadline=deadline)


class _Script:
    """Answers each request with the next response of a script."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_read_retried_after_server_error() -> None:
    script = _Script(httpx.Response(503, json={}), _ok())

    async with _client(script) as client:
        body = await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert body is not None and body["data"]["attributes"]["id"] == "ct_abc"
    assert len(script.requests) == 2


async def test_retries_stop_after_attempts() -> None:
    script = _Script(httpx.Response(500, json={}))

    async with _client(script) as client:
        with pytest.raises(UpstreamServerError):
            await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert len(script.requests) == 3


async def test_write_with_key_retried_with_same_key() -> None:
    script = _Script(httpx.ReadTimeout("slow"), _ok())

    async with _client(script) as client:
        await client.request(
            _caller(), "PATCH", "/contacts/ct_abc", body={}, idempotency_key="k-1"
        )

    keys = [request.headers["idempotency-key"] for request in script.requests]
    assert keys == ["k-1", "k-1"]


async def test_write_without_key_not_retried() -> None:
    script = _Script(httpx.Response(502, json={}), _ok())

    async with _client(script) as client:
        with pytest.raises(UpstreamServerError):
            await client.request(_caller(), "POST", "/contacts", body={})

    assert len(script.requests) == 1


async def test_client_errors_not_retried() -> None:
    script = _Script(httpx.Response(409, json={"error": {"code": "CONFLICT"}}))

    async with _client(script) as client:
        with pytest.raises(Exception, match="HTTP 409|CONFLICT|upstream"):
            await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert len(script.requests) == 1


async def test_fitting_retry_after_is_honoured() -> None:
    limited = httpx.Response(429, json={}, headers={"Retry-After": "0.01"})
    script = _Script(limited, _ok())

    async with _client(script) as client:
        await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert len(script.requests) == 2


async def test_long_retry_after_returned_to_client() -> None:
    limited = httpx.Response(
        429,
        json={"error": {"code": "RATE_LIMITED", "retry_after": 60}},
        headers={"Retry-After": "60"},
    )
    script = _Script(limited, _ok())

    async with _client(script) as client:
        with pytest.raises(UpstreamRateLimited) as caught:
            await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert caught.value.retry_after == 60
    assert caught.value.extensions["retryAfter"] == 60
    assert len(script.requests) == 1


async def test_retry_after_beyond_deadline_not_awaited() -> None:
    limited = httpx.Response(429, json={}, headers={"Retry-After": "2"})
    script = _Script(limited, _ok())
    deadline = time.monotonic() + 0.5

    async with _client(script) as client:
        with pytest.raises(UpstreamRateLimited):
            await client.request(_caller(deadline), "GET", "/contacts/ct_abc")

    assert len(script.requests) == 1


async def test_breaker_opens_then_recovers() -> None:
    script = _Script(httpx.ConnectError("refused"))
    breaker = CircuitBreaker(threshold=2, cooldown=0.05)

    async with _client(script, breaker=breaker, retry=RetryPolicy(attempts=1)) as c:
        for _ in range(2):
            with pytest.raises(UpstreamUnavailable):
                await c.request(_caller(), "GET", "/contacts/ct_abc")
        with pytest.raises(UpstreamUnavailable, match="circuit breaker"):
            await c.request(_caller(), "GET", "/contacts/ct_abc")
        sent_while_open = len(script.requests)
        await asyncio.sleep(0.06)
        script.answers = [_ok()]
        recovered = await c.request(_caller(), "GET", "/contacts/ct_abc")

    assert sent_while_open == 2
    assert recovered is not None
    assert breaker.state == "closed"


async def test_dripping_body_times_out() -> None:
    async def drip() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b" "
            await asyncio.sleep(0.02)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=drip())

    async with _client(handler, timeout=0.1, retry=RetryPolicy(attempts=1)) as c:
        started = time.monotonic()
        with pytest.raises(UpstreamTimeout):
            await c.request(_caller(), "GET", "/contacts/ct_abc")

    assert time.monotonic() - started < 1.5


class _BurstLimited:
    """An upstream that allows ``limit`` calls per second, like nodestash."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.window: list[float] = []
        self.refused = 0
        self.served = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        now = time.monotonic()
        self.window = [t for t in self.window if now - t < 1.0]
        headers = {"X-RateLimit-Burst-Limit": str(self.limit)}
        if len(self.window) >= self.limit:
            self.refused += 1
            headers["Retry-After"] = "1"
            return httpx.Response(429, json={}, headers=headers)
        self.window.append(now)
        self.served += 1
        headers["X-RateLimit-Burst-Remaining"] = str(self.limit - len(self.window))
        record = {**CONTACT, "id": request.url.path.rsplit("/", 1)[-1]}
        return _ok(record, **headers)


async def test_burst_headers_pace_fan_out(schema: GatewaySchema) -> None:
    upstream = _BurstLimited(limit=4)
    ids = [f"ct_{n}" for n in range(7)]
    aliases = " ".join(f'c{n}: contact(id: "{i}") {{ id }}' for n, i in enumerate(ids))

    async with _client(upstream) as client:
        first = GatewayContext.for_request(
            client=client, authorization="Bearer k", request_id="warm-up"
        )
        await schema.execute('{ contact(id: "ct_first") { id } }', context_value=first)
        context = GatewayContext.for_request(
            client=client, authorization="Bearer k", request_id="fan-out"
        )
        result = await schema.execute(f"{{ {aliases} }}", context_value=context)

    assert not result.errors
    assert result.data is not None and len(result.data) == 7
    assert upstream.refused == 0
    assert upstream.served == 8


class _SlowFor(httpx.AsyncBaseTransport):
    """The sandbox, except that one path hangs far past any deadline."""

    def __init__(self, inner: httpx.AsyncBaseTransport, slow_path: str) -> None:
        self.inner = inner
        self.slow_path = slow_path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(self.slow_path):
            await asyncio.sleep(30)
        return await self.inner.handle_async_request(request)


async def test_deadline_gives_partial_data(sandbox_app: Any) -> None:
    settings = GatewaySettings(
        upstream_url=UPSTREAM, operation_timeout=0.3, upstream_timeout=10
    )
    upstream = _SlowFor(httpx.ASGITransport(app=sandbox_app), "/co_slow")
    app = create_app(settings, transport=upstream)
    query = (
        '{ a: contacts(first: 1) { nodes { id } } b: company(id: "co_slow") { id } }'
    )

    async with serving(app) as http:
        started = time.monotonic()
        response = await http.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        )
        elapsed = time.monotonic() - started

    body = response.json()
    assert response.status_code == 200
    assert len(body["data"]["a"]["nodes"]) == 1
    assert body["data"]["b"] is None
    [error] = body["errors"]
    assert error["path"] == ["b"]
    assert error["extensions"]["code"] == "UPSTREAM_TIMEOUT"
    assert elapsed < 5


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("-5", 0.0, id="negative"),
        pytest.param("Wed, 21 Oct 2015 07:28:00 GMT", 0.0, id="past-date"),
    ],
)
async def test_retry_after_never_negative(header: str, expected: float) -> None:
    script = _Script(httpx.Response(429, json={}, headers={"Retry-After": header}))

    async with _client(script, retry=RetryPolicy(attempts=1)) as client:
        with pytest.raises(UpstreamRateLimited) as caught:
            await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert caught.value.retry_after == expected


async def test_retry_after_http_date_in_future() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    script = _Script(httpx.Response(429, json={}, headers={"Retry-After": later}))

    async with _client(script) as client:
        with pytest.raises(UpstreamRateLimited) as caught:
            await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert caught.value.retry_after is not None and 80 < caught.value.retry_after <= 90
    assert len(script.requests) == 1


async def test_undocumented_client_error_not_retried() -> None:
    script = _Script(httpx.Response(418, json={}))

    async with _client(script) as client:
        with pytest.raises(UpstreamError) as caught:
            await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert caught.value.extensions["code"] == "UPSTREAM_ERROR"
    assert len(script.requests) == 1


async def test_failed_trial_reports_the_real_failure() -> None:
    script = _Script(httpx.Response(503, json={}))
    breaker = CircuitBreaker(threshold=1, cooldown=0.02)

    async with _client(script, breaker=breaker) as client:
        with pytest.raises(UpstreamServerError):
            await client.request(_caller(), "GET", "/contacts/ct_abc")
        await asyncio.sleep(0.03)
        with pytest.raises(UpstreamServerError):
            await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert len(script.requests) == 2


async def test_cancelled_trial_frees_the_breaker() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("slow"):
            await asyncio.sleep(30)
        return _ok()

    breaker = CircuitBreaker(threshold=1, cooldown=0.01)
    breaker.failed()  # open, as after a failure
    await asyncio.sleep(0.02)

    async with _client(handler, breaker=breaker) as client:
        trial = asyncio.ensure_future(client.request(_caller(), "GET", "/slow"))
        await asyncio.sleep(0.05)
        trial.cancel()
        with pytest.raises(asyncio.CancelledError):
            await trial
        after = await client.request(_caller(), "GET", "/contacts/ct_abc")

    assert after is not None
    assert breaker.state == "closed"
