"""The package's public surface."""

from __future__ import annotations

import sandbox


def test_exported_members():
    assert sorted(sandbox.__all__) == [
        "CONTACTS_ONLY_API_KEY",
        "DEMO_API_KEY",
        "OTHER_API_KEY",
        "READ_ONLY_API_KEY",
        "SandboxSettings",
        "create_app",
    ]
    assert all(hasattr(sandbox, name) for name in sandbox.__all__)
