"""API key scopes (nodestash-api.md §8) and the route dependencies that check them.

Sandbox choices where the docs are silent:

- Scopes are checked as written: `contacts:write` does not grant
  `contacts:read`. `*` grants everything, and `custom_fields` (full access)
  grants `custom_fields:read`.
- Custom field definitions and the values endpoints
  (`/{entity_type}/{entity_id}/custom-fields`) are guarded by the custom
  field scopes alone: reading needs `custom_fields:read`, writing needs
  `custom_fields`. The entity's own scope is neither needed nor enough.
- `include=company` on a contact also needs `companies:read`, and
  `include=contacts` or `include=contact_count` on a company also needs
  `contacts:read`.
- A key lacking the scope gets 403 `INSUFFICIENT_SCOPE` after
  authentication and before anything about the request is checked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request

from sandbox.context import current_workspace
from sandbox.errors import InsufficientScope
from sandbox.tables import Workspace

__all__ = [
    "ALL_SCOPES",
    "READ_SCOPES",
    "authorized",
    "grants",
    "require_include_scopes",
    "require_scope",
]

READ_SCOPES = (
    "contacts:read",
    "companies:read",
    "deals:read",
    "pipelines:read",
    "activities:read",
    "custom_fields:read",
)
ALL_SCOPES = ("*",)
_IMPLIED = {"custom_fields:read": "custom_fields"}

# Include value -> the scope it needs besides the route's own.
_INCLUDE_SCOPES = {
    "company": "companies:read",
    "contacts": "contacts:read",
    "contact_count": "contacts:read",
}


def grants(scopes: frozenset[str], needed: str) -> bool:
    """Whether a key with `scopes` may do what `needed` guards."""
    if "*" in scopes or needed in scopes:
        return True
    return _IMPLIED.get(needed) in scopes


def require_scope(workspace: Workspace, needed: str) -> None:
    if not grants(workspace.scopes, needed):
        raise InsufficientScope(f"This API key lacks the '{needed}' scope")


def require_include_scopes(workspace: Workspace, query: Mapping[str, str]) -> None:
    """403 when an `include` value names data the key may not read."""
    for value in query.get("include", "").split(","):
        needed = _INCLUDE_SCOPES.get(value)
        if needed is not None:
            require_scope(workspace, needed)


def authorized(needed: str) -> Callable[[Request], Awaitable[Workspace]]:
    """A dependency: the caller's workspace, once its key is known to hold `needed`."""

    async def dependency(request: Request) -> Workspace:
        workspace = await current_workspace(request)
        require_scope(workspace, needed)
        return workspace

    return dependency
