"""Shared fixtures: a freshly seeded sandbox app per test, and clients for it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from sandbox import SandboxSettings, create_app
from tests.sandbox.helpers import (
    ADMIN_TOKEN,
    CONTACTS_ONLY_AUTH,
    DEMO_AUTH,
    OTHER_AUTH,
    READ_ONLY_AUTH,
    client_for,
)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's SANDBOX_* variables out of the settings under test."""
    for name in list(os.environ):
        if name.upper().startswith("SANDBOX_"):
            monkeypatch.delenv(name)


@pytest.fixture
def settings() -> SandboxSettings:
    return SandboxSettings(admin_token=ADMIN_TOKEN)


@pytest.fixture
def app(settings: SandboxSettings) -> Iterator[FastAPI]:
    app = create_app(settings)
    yield app
    app.state.sandbox.store.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the demo workspace."""
    async with client_for(app, DEMO_AUTH) as client:
        yield client


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the second workspace."""
    async with client_for(app, OTHER_AUTH) as client:
        yield client


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends no Authorization header."""
    async with client_for(app, {}) as client:
        yield client


@pytest.fixture
async def read_only(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the demo workspace's read-only key."""
    async with client_for(app, READ_ONLY_AUTH) as client:
        yield client


@pytest.fixture
async def contacts_only(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the demo workspace's contacts-only key."""
    async with client_for(app, CONTACTS_ONLY_AUTH) as client:
        yield client
