"""The sandbox app factory and server: a local stand-in for the nodestash API.

`create_app` opens and seeds the store itself (not in a lifespan hook), so an
app driven through `httpx.ASGITransport` is ready at once. Routes live under
`/v1`, like `https://api.nodestash.io/v1`; `/openapi.json` describes them.
Requests pass, outermost first, through request tracking, rate limiting and
fault injection before they reach a route. Unknown routes, wrong methods and
framework-level validation failures all answer in the nodestash error
envelope; a wrong method is 405 `METHOD_NOT_ALLOWED` with an `Allow` header.
Trailing slashes are not redirected: `/v1/contacts/` is an unknown route.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import uvicorn
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandbox import admin, routes
from sandbox.context import SandboxState
from sandbox.database import Store
from sandbox.envelopes import render_error
from sandbox.errors import ApiError, MethodNotAllowed, NotFound, ValidationFailed
from sandbox.fault_injection import FaultInjection
from sandbox.fault_rules import route_problems
from sandbox.faults import FaultSet
from sandbox.idempotency import IdempotencyStore
from sandbox.middleware import RequestTracking
from sandbox.openapi import openapi_document
from sandbox.rate_limits import RateLimiter, RateLimiting
from sandbox.routing import api_route_keys
from sandbox.seed import (
    CONTACTS_ONLY_API_KEY,
    DEMO_API_KEY,
    OTHER_API_KEY,
    READ_ONLY_API_KEY,
    prepare_store,
)
from sandbox.settings import SandboxSettings
from sandbox.stats import RequestCounter
from sandbox.types import FieldError

__all__ = ["create_app", "create_server", "serve"]

logger = logging.getLogger(__name__)


def create_app(settings: SandboxSettings | None = None) -> FastAPI:
    """A ready sandbox app with its own store, seeded as `settings` say.

    Raises:
        ValueError: a start-up fault rule names a route the API lacks.
    """
    settings = settings or SandboxSettings()
    _check_fault_routes(settings)
    app = FastAPI(
        title="nodestash sandbox",
        lifespan=_close_store_on_shutdown,
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.sandbox = state = _new_state(settings)
    app.include_router(routes.router)
    app.include_router(admin.router)
    app.add_api_route("/openapi.json", _openapi, include_in_schema=False)
    _install_error_handlers(app)
    app.add_middleware(FaultInjection, faults=state.faults)
    app.add_middleware(RateLimiting, store=state.store, limiter=state.limiter)
    app.add_middleware(
        RequestTracking, counter=state.counter, routes=routes.router.routes
    )
    return app


def _check_fault_routes(settings: SandboxSettings) -> None:
    known = api_route_keys(routes.router.routes)
    problems = route_problems(settings.faults, known=known)
    if problems:
        raise ValueError("; ".join(f"{p.field}: {p.message}" for p in problems))


def _new_state(settings: SandboxSettings) -> SandboxState:
    """A seeded store and the fresh in-memory parts around it."""
    store = Store.open(settings.database)
    prepare_store(store, seed=settings.seed)
    ttl = settings.idempotency_ttl_seconds
    return SandboxState(
        settings=settings,
        store=store,
        counter=RequestCounter(),
        faults=FaultSet(settings.faults.rules),
        limiter=RateLimiter(enforce=settings.rate_limits),
        idempotency=IdempotencyStore(store, ttl_seconds=ttl),
    )


async def _openapi() -> Response:
    return Response(orjson.dumps(openapi_document()), media_type="application/json")


@asynccontextmanager
async def _close_store_on_shutdown(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.sandbox.store.close()


def _allowed_methods() -> dict[str, str]:
    """Route template -> its methods, for the `Allow` header of a 405."""
    methods: defaultdict[str, set[str]] = defaultdict(set)
    for route in [*routes.router.routes, *admin.router.routes]:
        if isinstance(route, APIRoute):
            methods[route.path] |= route.methods or set()
    return {path: ", ".join(sorted(names)) for path, names in methods.items()}


def _install_error_handlers(app: FastAPI) -> None:
    allowed = _allowed_methods()

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> Response:
        return render_error(request, exc)

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            template = getattr(request.scope.get("route"), "path", "")
            headers = {"Allow": allowed.get(template, "")}
            return render_error(request, MethodNotAllowed(headers=headers))
        if exc.status_code == 404:
            return render_error(request, NotFound("Route not found"))
        # The router raises only 404 and 405; anything else is a bug and
        # becomes a logged 500 in the request-tracking middleware.
        raise exc

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(
        request: Request, exc: RequestValidationError
    ) -> Response:
        details = [_field_error(error) for error in exc.errors()]
        return render_error(request, ValidationFailed(details=details))


def _field_error(error: dict[str, object]) -> FieldError:
    location = error.get("loc")
    parts = location if isinstance(location, tuple | list) else ()
    names = [str(part) for part in parts if part not in ("body", "query", "path")]
    return FieldError(".".join(names) or "body", str(error.get("msg", "Invalid")))


def create_server(settings: SandboxSettings) -> uvicorn.Server:
    """A uvicorn server for the sandbox, for callers that run their own loop."""
    config = uvicorn.Config(
        create_app(settings), host=settings.host, port=settings.port
    )
    return uvicorn.Server(config)


def serve(settings: SandboxSettings) -> None:
    """Run the sandbox on `settings.host`/`settings.port` until interrupted."""
    server = create_server(settings)
    logger.info("nodestash sandbox listening at %s", settings.base_url)
    logger.info("Demo workspace API key: %s", DEMO_API_KEY)
    logger.info("Second workspace API key: %s", OTHER_API_KEY)
    logger.info("Demo read-only API key: %s", READ_ONLY_API_KEY)
    logger.info("Demo contacts-only API key: %s", CONTACTS_ONLY_API_KEY)
    server.run()
