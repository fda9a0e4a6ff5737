"""Readings of this very process through /proc."""

from __future__ import annotations

import os
import sys

import pytest

from benchmarks.procstat import ProcessTree, busy_cpu_seconds

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads Linux's /proc"
)


def test_process_alone_has_cpu_time_and_memory():
    tree = ProcessTree(os.getpid(), descendants=False)

    assert tree.pids() == [os.getpid()]
    assert (tree.cpu_seconds() or 0) > 0
    assert (tree.peak_rss_bytes() or 0) >= max(tree.rss_bytes()) > 0


def test_machine_busy_time_grows():
    before = busy_cpu_seconds()

    sum(range(200_000))

    after = busy_cpu_seconds()
    assert before is not None and after is not None and after >= before


def test_gone_process_reads_as_nothing():
    tree = ProcessTree(2**22 + 1)

    assert tree.cpu_seconds() is None
    assert tree.peak_rss_bytes() is None
