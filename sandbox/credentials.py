"""API keys from `Authorization` headers: `Bearer <key>` and what the key grants."""

from __future__ import annotations

from sandbox.database import ApiKey, Store

__all__ = ["api_key_of", "bearer_key"]


def bearer_key(header: str) -> str | None:
    """The key of a `Bearer <key>` header value, or None for another scheme."""
    scheme, _, api_key = header.strip().partition(" ")
    return api_key.strip() if scheme.lower() == "bearer" else None


def api_key_of(store: Store, header: str) -> ApiKey | None:
    """What the `Authorization` header value's key grants, if it is known."""
    api_key = bearer_key(header)
    return None if api_key is None else store.api_key(api_key)
