"""The gateway's FastAPI application: GraphQL at ``/graphql``, GraphiQL included."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import TYPE_CHECKING

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from gateway.documents import Preparer
from gateway.http import GraphQLEndpoint, refusal
from gateway.logs import configure_logging
from gateway.observability import RequestIdMiddleware, install_observability
from gateway.persisted import load_manifest
from gateway.settings import GatewaySettings
from gateway.shared import LocalState, SharedState
from gateway.upstream import UpstreamClient
from schema import build_schema

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

__all__ = ["EXAMPLE_QUERY", "app_from_environment", "create_app"]

EXAMPLE_QUERY = """\
# Contacts with their company and custom fields.
# Press the run button (or Ctrl-Enter) to send it.
query Contacts {
  contacts(first: 10) {
    nodes {
      id
      firstName
      lastName
      email
      company {
        name
        domain
      }
      customFields {
        slug
        rawValue
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
"""


def _graphiql_page(api_key: str | None) -> str:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    template = resources.files("gateway").joinpath("static/graphiql.html")
    # json.dumps output is a valid JS literal; "</" is escaped so a value can
    # never close the surrounding <script> element.
    return (
        template.read_text(encoding="utf-8")
        .replace("__DEFAULT_QUERY__", _js(EXAMPLE_QUERY))
        .replace("__DEFAULT_HEADERS__", _js(json.dumps(headers, indent=2)))
    )


def _js(value: str) -> str:
    return json.dumps(value).replace("</", "<\\/")


_CORS_HEADERS = [
    "Authorization",
    "Content-Type",
    "GraphQL-Require-Preflight",
    "X-Request-Id",
    "traceparent",
]


async def _http_error(request: Request, error: Exception) -> Response:
    """Unknown paths and methods answer in the GraphQL error shape too."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 404:
        return refusal(404, f"No such path: {request.url.path}.", {})
    if error.status_code == 405:
        return refusal(405, "This path takes GET and POST only.", error.headers or {})
    return refusal(400, str(error.detail), error.headers or {})


def _shared_state(settings: GatewaySettings) -> SharedState:
    if settings.redis_url:
        from gateway.redis_state import RedisState

        return RedisState(settings.redis_url, definitions_ttl=settings.definitions_ttl)
    return LocalState(definitions_ttl=settings.definitions_ttl)


def app_from_environment() -> FastAPI:
    """The app as a worker process builds it: settings from the environment."""
    settings = GatewaySettings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)


def create_app(
    settings: GatewaySettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    span_exporter: SpanExporter | None = None,
) -> FastAPI:
    """Build the gateway app.

    Args:
        settings: the gateway's settings.
        transport: an httpx transport for the upstream client; tests pass one
            that reaches the sandbox in-process or misbehaves on purpose.
        span_exporter: where spans go when ``settings.tracing`` is on; tests
            pass an in-memory one (by default ``OTEL_TRACES_EXPORTER`` says).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.shared = _shared_state(settings)
        app.state.upstream = UpstreamClient.from_settings(
            settings, transport, state=app.state.shared
        )
        try:
            yield
        finally:
            await app.state.upstream.aclose()
            await app.state.shared.aclose()

    app = FastAPI(
        title="nodestash GraphQL gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # A redirect would be built from the client's Host header; /graphql/
        # is simply an unknown path.
        redirect_slashes=False,
    )
    schema = build_schema()
    preparer = Preparer(
        schema._schema,
        settings.limits,
        introspection=not settings.production,
    )
    endpoint = GraphQLEndpoint(
        schema=schema,
        settings=settings,
        preparer=preparer,
        trusted_documents=(
            load_manifest(settings.trusted_documents)
            if settings.trusted_documents
            else None
        ),
        graphiql_page=(
            _graphiql_page(settings.graphiql_api_key)
            if settings.serves_graphiql
            else None
        ),
    )
    app.add_api_route(
        "/graphql", endpoint, methods=["GET", "POST"], include_in_schema=False
    )
    app.add_exception_handler(StarletteHTTPException, _http_error)
    if settings.serves_graphiql:
        # GraphiQL's scripts and styles, vendored so the page needs no CDN.
        assets = StaticFiles(packages=[("gateway", "static/vendor")])
        app.mount("/graphiql-assets", assets, name="graphiql-assets")
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=_CORS_HEADERS,
            expose_headers=["X-Request-Id"],
            allow_credentials=True,
            max_age=600,
        )
    app.add_middleware(RequestIdMiddleware)
    install_observability(
        app, settings, transport=transport, span_exporter=span_exporter
    )

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/graphql")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return app
