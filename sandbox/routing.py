"""Which route a request is for, named by its counter key (`"GET /v1/contacts"`).

A request that matches a route's path but not its method (a 405) takes that
route's key; one that matches no route takes `"<METHOD> /v1/*"`. The same
keys name routes in the request statistics and in fault rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

__all__ = ["API_PREFIX", "api_route_keys", "is_api_path", "route_key"]

API_PREFIX = "/v1"


def is_api_path(path: str) -> bool:
    return path == API_PREFIX or path.startswith(f"{API_PREFIX}/")


def route_key(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The key of the route the router will pick for `scope`, as it picks it."""
    partial: BaseRoute | None = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return f"{scope['method']} {getattr(route, 'path', '')}"
        if match is Match.PARTIAL and partial is None:
            partial = route
    if partial is not None:
        return f"{scope['method']} {getattr(partial, 'path', '')}"
    return f"{scope['method']} {API_PREFIX}/*"


def api_route_keys(routes: Sequence[BaseRoute]) -> list[str]:
    """Every `/v1` route's key, one per method."""
    return sorted(
        f"{method} {route.path}"
        for route in routes
        if isinstance(route, APIRoute) and is_api_path(route.path)
        for method in route.methods or ()
    )
