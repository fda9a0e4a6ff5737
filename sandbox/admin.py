"""The admin API: request statistics, for tests that count upstream calls.

Admin routes need `X-Admin-Token: <SANDBOX_ADMIN_TOKEN>`; a missing or wrong
token is 401 `INVALID_ADMIN_TOKEN`. Without a configured token the routes
answer 404 as if they did not exist. Admin requests are not counted.
"""

from __future__ import annotations

import secrets
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sandbox.context import SandboxState, sandbox_state
from sandbox.errors import InvalidAdminToken, NotFound

__all__ = ["router"]

router = APIRouter(prefix="/_admin")


async def _admin_state(request: Request) -> SandboxState:
    state = sandbox_state(request)
    expected = state.settings.admin_token
    if expected is None:
        raise NotFound("Route not found")
    given = request.headers.get("x-admin-token", "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise InvalidAdminToken()
    return state


AdminState = Annotated[SandboxState, Depends(_admin_state)]


@router.get("/stats")
async def get_stats(state: AdminState) -> Response:
    """Requests counted since start-up or the last reset, by route."""
    body = orjson.dumps(state.counter.snapshot().as_json())
    return Response(body, media_type="application/json")


@router.post("/stats/reset")
async def reset_stats(state: AdminState) -> Response:
    state.counter.reset()
    return Response(status_code=204)
