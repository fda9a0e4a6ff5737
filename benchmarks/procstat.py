"""CPU time and memory of a process and its children, read from Linux's ``/proc``.

A gateway started with several workers is a supervisor plus one child per
worker, so CPU time is summed over the whole tree and peak memory is taken
per process (the figure a per-worker limit is about). Off Linux every reading
is ``None`` and the report says "n/a".
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ProcessTree", "busy_cpu_seconds"]

_PROC = Path("/proc")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class ProcessTree:
    """A process and its descendants, looked at through ``/proc``.

    With ``descendants=False`` it is the one process alone: the benchmark's
    own process, whose children are the servers it measures.
    """

    def __init__(self, pid: int, *, descendants: bool = True) -> None:
        self.pid = pid
        self.descendants = descendants

    def pids(self) -> list[int]:
        """The root and every live descendant, root first."""
        found = [self.pid]
        if not self.descendants:
            return found
        index = 0
        while index < len(found):
            found.extend(_children(found[index]))
            index += 1
        return found

    def cpu_seconds(self) -> float | None:
        """User plus system CPU time used so far by the live processes."""
        times = [_cpu_seconds(pid) for pid in self.pids()]
        known = [t for t in times if t is not None]
        return sum(known) if known else None

    def rss_bytes(self) -> list[int]:
        """Each live process's resident memory now."""
        return [v for pid in self.pids() if (v := _status_kib(pid, "VmRSS"))]

    def peak_rss_bytes(self) -> int | None:
        """The largest resident-memory high-water mark of any one process."""
        peaks = [v for pid in self.pids() if (v := _status_kib(pid, "VmHWM"))]
        return max(peaks) if peaks else None

    def reset_peaks(self) -> bool:
        """Restart every process's high-water mark from its current RSS.

        Writing ``5`` to ``clear_refs`` does that (proc(5)); answers False
        where it is not allowed, and peaks then cover the process's life.
        """
        try:
            for pid in self.pids():
                (_PROC / str(pid) / "clear_refs").write_text("5")
        except OSError:
            return False
        return True


def busy_cpu_seconds() -> float | None:
    """CPU time the whole machine has spent busy (not idle) since boot.

    Compared with what our own processes used over the same span, it shows how
    much other work shared the machine during a measurement.
    """
    try:
        first = (_PROC / "stat").read_text().splitlines()[0]
    except OSError:
        return None
    # cpu user nice system idle iowait irq softirq steal ... (proc(5))
    ticks = [int(value) for value in first.split()[1:9]]
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / _CLOCK_TICKS


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in (_PROC / str(pid) / "task").iterdir():
            text = (task / "children").read_text()
            children.extend(int(child) for child in text.split())
    except OSError:
        return children
    return children


def _cpu_seconds(pid: int) -> float | None:
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces; fields after it are
    # space-separated, utime and stime being the 14th and 15th (proc(5)).
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _status_kib(pid: int, key: str) -> int | None:
    try:
        lines = (_PROC / str(pid) / "status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return None
