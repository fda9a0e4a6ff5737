"""Per-app state and per-request dependencies: the sandbox state and the caller.

Authentication follows nodestash-api.md §8 and §18.4: no `Authorization`
header (or an empty one) is 401 `MISSING_AUTH`; any other scheme than
`Bearer`, or a key the store does not know, is 401 `INVALID_API_KEY`.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from sandbox.credentials import api_key_of
from sandbox.database import Store
from sandbox.errors import InvalidApiKey, MissingAuth
from sandbox.faults import FaultSet
from sandbox.idempotency import IdempotencyStore
from sandbox.rate_limits import RateLimiter
from sandbox.settings import SandboxSettings
from sandbox.stats import RequestCounter
from sandbox.tables import Workspace

__all__ = ["SandboxState", "current_workspace", "sandbox_state"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxState:
    """Everything one sandbox app holds, kept on `app.state.sandbox`."""

    settings: SandboxSettings
    store: Store
    counter: RequestCounter
    faults: FaultSet
    limiter: RateLimiter
    idempotency: IdempotencyStore


def sandbox_state(request: Request) -> SandboxState:
    state = request.app.state.sandbox
    if not isinstance(state, SandboxState):
        raise TypeError("the app was not built by sandbox.app.create_app")
    return state


async def current_workspace(request: Request) -> Workspace:
    """The workspace of the request's API key, with the key's scopes, or 401."""
    header = request.headers.get("authorization", "").strip()
    if not header:
        raise MissingAuth()
    store = sandbox_state(request).store
    granted = api_key_of(store, header)
    if granted is None:
        raise InvalidApiKey()
    return Workspace(store.connection, granted.workspace_id, granted.scopes)
