"""The request counter behind the admin stats."""

from __future__ import annotations

from sandbox.stats import RequestCounter


def test_counter_snapshot_is_sorted_and_totalled():
    counter = RequestCounter()
    for key in ("POST /v1/contacts", "GET /v1/contacts", "GET /v1/contacts"):
        counter.record(key)

    stats = counter.snapshot()

    assert list(stats.requests.items()) == [
        ("GET /v1/contacts", 2),
        ("POST /v1/contacts", 1),
    ]
    assert stats.total == 3


def test_counter_snapshot_is_a_copy():
    counter = RequestCounter()
    stats = counter.snapshot()

    counter.record("GET /v1/contacts")

    assert stats.as_json() == {"requests": {}, "total": 0}


def test_counter_reset_forgets_everything():
    counter = RequestCounter()
    counter.record("GET /v1/companies")

    counter.reset()

    assert counter.snapshot().as_json() == {"requests": {}, "total": 0}
