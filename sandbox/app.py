"""The sandbox app factory and server: a local stand-in for the nodestash API.

`create_app` opens and seeds the store itself (not in a lifespan hook), so an
app driven through `httpx.ASGITransport` is ready at once. Routes live under
`/v1`, like `https://api.nodestash.io/v1`. Unknown routes, wrong methods and
framework-level validation failures all answer in the nodestash error
envelope; a wrong method is 405 `METHOD_NOT_ALLOWED` with an `Allow` header.
Trailing slashes are not redirected: `/v1/contacts/` is an unknown route.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

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
from sandbox.middleware import RequestTracking
from sandbox.seed import DEMO_API_KEY, OTHER_API_KEY, prepare_store
from sandbox.settings import SandboxSettings
from sandbox.stats import RequestCounter
from sandbox.types import FieldError

__all__ = ["create_app", "create_server", "serve"]

logger = logging.getLogger(__name__)


def create_app(settings: SandboxSettings | None = None) -> FastAPI:
    """A ready sandbox app with its own store, seeded as `settings` say."""
    settings = settings or SandboxSettings()
    store = Store.open(settings.database)
    prepare_store(store, seed=settings.seed)

    app = FastAPI(
        title="nodestash sandbox",
        lifespan=_close_store_on_shutdown,
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    counter = RequestCounter()
    app.state.sandbox = SandboxState(settings=settings, store=store, counter=counter)
    app.include_router(routes.router)
    app.include_router(admin.router)
    _install_error_handlers(app)
    app.add_middleware(RequestTracking, counter=counter)
    return app


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
    server.run()
