"""Sandbox settings: defaults, environment variables and the base URL."""

from __future__ import annotations

import pydantic
import pytest

from sandbox import SandboxSettings


def test_settings_defaults():
    settings = SandboxSettings()

    assert settings.model_dump() == {
        "host": "127.0.0.1",
        "port": 8001,
        "database": ":memory:",
        "seed": True,
        "admin_token": None,
        "default_limit": 20,
    }
    assert settings.base_url == "http://127.0.0.1:8001/v1"


def test_settings_read_prefixed_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SANDBOX_PORT", "9001")
    monkeypatch.setenv("SANDBOX_SEED", "false")
    monkeypatch.setenv("SANDBOX_ADMIN_TOKEN", "secret")

    settings = SandboxSettings()

    assert (settings.port, settings.seed, settings.admin_token) == (
        9001,
        False,
        "secret",
    )


def test_base_url_brackets_ipv6_hosts():
    assert SandboxSettings(host="::1").base_url == "http://[::1]:8001/v1"


@pytest.mark.parametrize("limit", [0, 101])
def test_default_limit_stays_within_page_bounds(limit: int):
    with pytest.raises(pydantic.ValidationError):
        SandboxSettings(default_limit=limit)
