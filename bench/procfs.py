"""Memory and CPU of our own processes, read from /proc (psutil is not installed, and not needed).

CPU time per process during a load phase is what tells us *what limits throughput*: with two
cores, a Rasa process at ~1 core (one Python event loop, one GIL) is CPU-bound however many
requests wait on it, while cores spent by other people's jobs show how noisy a figure is.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident set size (VmRSS) of one process in MiB; NaN if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by one process (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (every process, ours and everyone else's)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS  # guest time is already counted in user


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (PostgreSQL forks one backend per connection)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return found


@dataclass
class CpuMeter:
    """CPU used by named groups of processes (and by everything else) between start and stop.

    Groups are functions returning pids, asked again at ``stop``: a process that appeared during
    the phase (a new database backend) counts from zero rather than landing in "other".
    """

    groups: dict[str, Callable[[], list[int]]]
    _start: dict[int, float] = field(default_factory=dict)
    _machine: float = 0.0
    _self: float = 0.0
    _wall: float = 0.0

    def start(self) -> None:
        self._start = {pid: cpu_seconds(pid) for pids in self.groups.values() for pid in pids()}
        self._machine, self._self, self._wall = machine_busy_seconds(), time.process_time(), time.monotonic()

    def stop(self) -> dict[str, float]:
        """Average cores used per group, plus ``load_client`` (this process) and ``other_processes``."""
        wall = max(time.monotonic() - self._wall, 1e-9)
        cores = {
            name: sum(cpu_seconds(pid) - self._start.get(pid, 0.0) for pid in pids()) / wall
            for name, pids in self.groups.items()
        }
        cores["load_client"] = (time.process_time() - self._self) / wall
        machine = (machine_busy_seconds() - self._machine) / wall
        cores["other_processes"] = max(machine - sum(cores.values()), 0.0)
        return cores
