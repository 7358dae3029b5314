"""A measured load phase: warm-up aside, the load itself, a CPU meter around it, its figures printed.

Every phase prints the same names with a prefix ("" for Ruta, ``bare_rasa_``, ``scaleout2_``, ...),
so the rows of two systems line up and the ratios are plain divisions.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from typing import Callable

from bench import load
from bench.procfs import CpuMeter
from bench.report import emit, percentile


@dataclass
class Target:
    """Where a phase sends its messages, what it says, and whose CPU it meters (group -> pids)."""

    urls: list[str]
    texts: tuple[tuple[str, ...], ...]
    groups: dict[str, Callable[[], list[int]]]


def warm_up(target: Target) -> None:
    """One conversation per server, unmeasured: the first messages pay one-off costs (lazy
    imports, the action server's first knowledge base load, connection pools) that a running
    service has long paid."""
    result = asyncio.run(load.sequential(target.urls, target.texts, "warmup", count=len(target.urls), deadline=120))
    if result.errors:
        print(f"warm-up errors: {result.error_samples}", file=sys.stderr)


def _report(prefix: str, phase: str, result: load.LoadResult) -> None:
    for pct in (50, 95, 99):
        emit(f"{prefix}rest_latency_ms_p{pct}_{phase}", percentile(result.latencies_ms, pct), "ms")
    emit(f"{prefix}messages_per_second_{phase}", result.per_second, "msg/s", 2)
    emit(f"{prefix}errors_{phase}", result.errors, "count")
    for sample in result.error_samples:
        print(f"{prefix}{phase} error: {sample}", file=sys.stderr)


def sequential(prefix: str, target: Target, conversations: int, deadline: float) -> load.LoadResult:
    """One message at a time; also prints each server group's CPU milliseconds per message."""
    meter = CpuMeter(target.groups)
    meter.start()
    result = asyncio.run(load.sequential(target.urls, target.texts, f"{prefix}seq", conversations, deadline))
    cores = meter.stop()
    _report(prefix, "sequential", result)
    for group in target.groups:
        per_message = cores[group] * result.wall_seconds * 1000 / max(result.ok, 1)
        emit(f"{prefix}cpu_ms_per_message_{group}_sequential", per_message, "ms")
    return result


def concurrent(prefix: str, target: Target, senders: int, deadline: float) -> load.LoadResult:
    """``senders`` conversations at once; also prints the cores each group (and others) used."""
    phase = f"concurrent{senders}"
    meter = CpuMeter(target.groups)
    meter.start()
    result = asyncio.run(load.concurrent(target.urls, target.texts, f"{prefix}{phase}", senders, deadline))
    cores = meter.stop()
    _report(prefix, phase, result)
    for group, used in cores.items():
        emit(f"{prefix}cpu_cores_{group}_{phase}", used, "cores", 2)
    return result
