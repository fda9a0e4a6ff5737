"""GraphiQL in a real headless Chromium, against the demo, with no internet."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, sync_playwright

from gateway.app import EXAMPLE_QUERY
from tests.e2e.conftest import Demo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TIMEOUT_MS = 10_000

# The result pane is a CodeMirror editor that renders only the visible lines;
# its instance holds the whole text.
RESULT_TEXT = """() => {
  const editor = document.querySelector(".result-window .CodeMirror");
  return editor ? editor.CodeMirror.getValue() : "";
}"""
QUERY_TEXT = RESULT_TEXT.replace(".result-window", ".graphiql-query-editor")


def require_chromium() -> None:
    """Skip without Debian's chromium, except in CI, where it must be there."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; .ci/run installs it, so CI must run this test")
    pytest.skip(reason)


def test_graphiql_runs_the_prefilled_query(demo: Demo, tmp_path: Path) -> None:
    require_chromium()
    expected = demo.query(EXAMPLE_QUERY)["contacts"]["nodes"]
    outside: list[str] = []
    page_errors: list[str] = []

    def loopback_only(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith("data:") or host in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
            timeout=TIMEOUT_MS,
        )
        try:
            browser.set_default_timeout(TIMEOUT_MS)
            browser.route("**/*", loopback_only)
            page = browser.pages[0] if browser.pages else browser.new_page()
            page.on("pageerror", lambda error: page_errors.append(str(error)))

            page.goto(demo.url)  # returns once scripts and styles have loaded
            assert not outside, f"the page reached beyond the gateway: {outside}"
            page.locator(".graphiql-container").wait_for()
            page.wait_for_function(f"() => ({QUERY_TEXT})().includes('query')")
            prefilled = page.evaluate(QUERY_TEXT)
            page.locator(".graphiql-execute-button").click()
            page.wait_for_function(f"() => ({RESULT_TEXT})().includes('\"data\"')")
            result = json.loads(page.evaluate(RESULT_TEXT))
            page.screenshot(path=tmp_path / "graphiql.png")
        finally:
            browser.close()

    assert prefilled.strip() == EXAMPLE_QUERY.strip()
    assert "errors" not in result, result
    nodes = result["data"]["contacts"]["nodes"]
    assert nodes and nodes == expected
    assert any(node["company"] for node in nodes)
    assert any(node["customFields"] for node in nodes)
    assert not page_errors, page_errors
    assert not outside, f"the page reached beyond the gateway: {outside}"
