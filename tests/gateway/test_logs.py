"""Log formats: text for people, JSON lines for machines, from the same records."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from gateway.logs import JsonFormatter, TextFormatter, configure_logging
from sandbox import DEMO_API_KEY
from tests.conftest import Gateway


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the gateway logs at INFO during the test, as JSON lines.

    httpx is held at WARNING, as ``configure_logging`` holds it; otherwise
    the test client's own request lines would be in the stream too.
    """
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    levels = root.level, httpx_logger.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    httpx_logger.setLevel(logging.WARNING)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        httpx_logger.setLevel(levels[1])


def _entries(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_formatter_writes_one_object() -> None:
    record = logging.LogRecord(
        "gateway.test", logging.WARNING, __file__, 1, "hello %s", ("there",), None
    )
    record.request_id = "rid-1"

    entry = json.loads(JsonFormatter().format(record))

    assert entry["level"] == "WARNING"
    assert entry["logger"] == "gateway.test"
    assert entry["message"] == "hello there"
    assert entry["request_id"] == "rid-1"
    assert entry["timestamp"].endswith("+00:00")


def test_json_formatter_includes_exception() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: boom" in entry["exception"]


async def test_json_lines_carry_request_id_without_credential(
    gateway: Gateway, json_lines: io.StringIO
) -> None:
    await gateway.post(
        "query Few { contacts(first: 2) { nodes { id } } }",
        headers={"X-Request-Id": "json-check"},
    )

    entries = _entries(json_lines)
    operations = [e for e in entries if e["message"].startswith("operation ")]
    upstream = [e for e in entries if e["message"].startswith("upstream ")]
    assert entries and all(entry["request_id"] == "json-check" for entry in entries)
    assert DEMO_API_KEY not in json_lines.getvalue()
    assert len(operations) == 1 and len(upstream) == 1
    assert operations[0]["operation"] == "Few"
    assert operations[0]["type"] == "query"
    assert operations[0]["upstream_calls"] == 1
    assert operations[0]["outcome"] == "ok" and operations[0]["errors"] == []
    assert isinstance(operations[0]["duration_ms"], float)
    assert upstream[0]["method"] == "GET" and upstream[0]["path"] == "/contacts"
    assert upstream[0]["status"] == 200 and upstream[0]["attempt"] == 1
    assert isinstance(upstream[0]["ms"], float)


async def test_json_operation_line_names_error_codes(
    gateway: Gateway, json_lines: io.StringIO
) -> None:
    await gateway.post(
        "query NoKey { contacts { nodes { id } } }",
        key=None,
        headers={"X-Request-Id": "json-error"},
    )

    entries = _entries(json_lines)
    operation = next(e for e in entries if e["message"].startswith("operation "))
    assert operation["outcome"] == "UNAUTHENTICATED"
    assert operation["errors"] == ["UNAUTHENTICATED"]
    assert operation["request_id"] == "json-error"


async def test_json_refusal_line_carries_request_id(
    gateway: Gateway, json_lines: io.StringIO
) -> None:
    await gateway.post("{ contacts { ", headers={"X-Request-Id": "json-refused"})

    entries = _entries(json_lines)
    assert [e["request_id"] for e in entries if "refused" in e["message"]] == [
        "json-refused"
    ]


@pytest.mark.parametrize(
    ("log_format", "formatter"),
    [
        pytest.param("json", JsonFormatter, id="json"),
        pytest.param("text", TextFormatter, id="text"),
    ],
)
def test_configure_logging_installs_one_handler(
    log_format: Any, formatter: type[logging.Formatter]
) -> None:
    root, httpx_logger = logging.getLogger(), logging.getLogger("httpx")
    before, levels = list(root.handlers), (root.level, httpx_logger.level)
    try:
        configure_logging("WARNING", log_format)
        configure_logging("WARNING", log_format)
        added = [handler for handler in root.handlers if handler not in before]
        httpx_level = httpx_logger.level
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(levels[0])
        httpx_logger.setLevel(levels[1])

    assert len(added) == 1
    assert type(added[0].formatter) is formatter
    assert httpx_level == logging.WARNING
