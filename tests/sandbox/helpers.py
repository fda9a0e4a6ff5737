"""Helpers for sandbox tests: auth headers and envelope readers."""

from __future__ import annotations

import re
from typing import Any

import httpx

from sandbox import DEMO_API_KEY, OTHER_API_KEY

ADMIN_TOKEN = "test-admin-token"
DEMO_AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
OTHER_AUTH = {"Authorization": f"Bearer {OTHER_API_KEY}"}
REQUEST_ID = re.compile(r"req_[A-Za-z0-9]{24}")


def data_of(response: httpx.Response) -> Any:
    """The `data` member of a JSON envelope."""
    return response.json()["data"]


def error_of(response: httpx.Response) -> Any:
    """The `error` member of a JSON error envelope, after checking its shape."""
    body = response.json()
    assert set(body) == {"error", "meta"}
    assert body["meta"]["request_id"] == response.headers["X-Request-Id"]
    return body["error"]


async def collect(
    client: httpx.AsyncClient, path: str, **params: Any
) -> list[dict[str, Any]]:
    """Every item of a list endpoint, following cursors page by page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page_params = params if cursor is None else {**params, "cursor": cursor}
        response = await client.get(path, params=page_params)
        assert response.status_code == 200, response.text
        body = response.json()
        items += [item["attributes"] for item in body["data"]]
        pagination = body["meta"]["pagination"]
        cursor = pagination["next_cursor"]
        assert pagination["has_more"] is (cursor is not None)
        if cursor is None:
            return items
