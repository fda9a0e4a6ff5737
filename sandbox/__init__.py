"""A local stand-in for the nodestash CRM REST API, on FastAPI and SQLite."""

from __future__ import annotations

from sandbox.app import create_app
from sandbox.seed import (
    CONTACTS_ONLY_API_KEY,
    DEMO_API_KEY,
    OTHER_API_KEY,
    READ_ONLY_API_KEY,
)
from sandbox.settings import SandboxSettings

__all__ = [
    "CONTACTS_ONLY_API_KEY",
    "DEMO_API_KEY",
    "OTHER_API_KEY",
    "READ_ONLY_API_KEY",
    "SandboxSettings",
    "create_app",
]
