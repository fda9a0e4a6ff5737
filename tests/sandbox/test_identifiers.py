"""Id, request id and timestamp formats."""

from __future__ import annotations

import re

from sandbox.identifiers import (
    derived_id,
    new_id,
    new_request_id,
    now_timestamp,
    public_timestamp,
)


def test_new_id_is_prefix_and_21_alphanumerics():
    ids = {new_id("ct_") for _ in range(50)}

    assert len(ids) == 50
    assert all(re.fullmatch(r"ct_[A-Za-z0-9]{21}", value) for value in ids)


def test_request_id_is_req_and_24_alphanumerics():
    assert re.fullmatch(r"req_[A-Za-z0-9]{24}", new_request_id())


def test_derived_id_is_stable_per_parts():
    first = derived_id("cfv_", "ct_a", "cf_b")

    assert first == derived_id("cfv_", "ct_a", "cf_b")
    assert first != derived_id("cfv_", "ct_a", "cf_c")
    assert re.fullmatch(r"cfv_[A-Za-z0-9]{21}", first)


def test_timestamps_strictly_increase_and_show_seconds():
    stamps = [now_timestamp() for _ in range(100)]

    assert stamps == sorted(set(stamps))
    assert re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", public_timestamp(stamps[0])
    )
