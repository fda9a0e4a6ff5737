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
        "rate_limits": True,
        "idempotency_ttl_seconds": 86400.0,
        "faults": {"rules": []},
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


def test_settings_read_faults_rate_limits_and_retention(
    monkeypatch: pytest.MonkeyPatch,
):
    rules = '{"rules": [{"route": "GET /v1/contacts", "error_rate": 0.25}]}'
    monkeypatch.setenv("SANDBOX_FAULTS", rules)
    monkeypatch.setenv("SANDBOX_RATE_LIMITS", "false")
    monkeypatch.setenv("SANDBOX_IDEMPOTENCY_TTL_SECONDS", "60")

    settings = SandboxSettings()

    assert settings.faults.rules[0].route == "GET /v1/contacts"
    assert settings.faults.rules[0].error_rate == 0.25
    assert settings.rate_limits is False
    assert settings.idempotency_ttl_seconds == 60


def test_bad_fault_rules_are_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SANDBOX_FAULTS", '{"rules": [{"error_rate": 2}]}')

    with pytest.raises(pydantic.ValidationError):
        SandboxSettings()
