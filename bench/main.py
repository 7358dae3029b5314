"""``make bench``: Ruta against a bare ``rasa init`` bot on this machine, plus offline figures.

    scripts/bench.sh [--conversations 20] [--senders 20] [--deadline 300] [--scaleout auto|always|never]
                     [--skip-training]

Order, and why: offline figures first (no server running); then Ruta (SQLite tracker in a temp
dir, models/ruta.tar.gz, the shipped knowledge base) and the bare bot both start, and their load
phases alternate (ours sequential, bare sequential, ours concurrent, bare concurrent) so that
noise from other jobs on the machine hits both sides alike; then the scale-out if one Rasa
process misses the throughput target; model training last (it would otherwise compete with
the servers). Prints ``name: value unit`` lines, then ``target_*`` and ``meets_*`` lines.
Exit status: 0 when it ran (targets met or not), 2 when a server failed to start, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import bare, offline, phases, scaleout, servers, texts
from bench.procfs import rss_mb
from bench.report import FIGURES, emit
from tests.e2e.servers import ROOT

LOGS = ROOT / ".run" / "bench-logs"
# (figure, comparison, limit, unit): the targets.
TARGETS = (
    ("p95_ratio_vs_bare_rasa", "max", 1.3, "ratio"),
    ("throughput_ratio_vs_bare_rasa", "min", 1.5, "ratio"),
    ("errors", "max", 0, "count"),
    ("rasa_server_rss_mb", "max", 1300, "MB"),
    ("kb_reload_seconds", "max", 2, "s"),
    ("nearest_query_ms_50k", "max", 1, "ms"),
)


def emit_ratio(name: str, top: str, bottom: str) -> None:
    """``top / bottom`` of two figures already measured (NaN when either is missing or zero)."""
    low = FIGURES.get(bottom)
    emit(name, FIGURES.get(top, float("nan")) / low if low else float("nan"), "ratio", 2)


def compare(workdir: Path, args: argparse.Namespace) -> None:
    """One Ruta (action + Rasa server, SQLite) against the bare bot, then the scale-out if needed."""
    project = bare.ensure()
    emit("bare_rasa_training_seconds", project.training_seconds, "s")
    emit("bare_rasa_model_cached", int(project.cached), "bool")
    with contextlib.ExitStack() as stack:
        ours = servers.ruta(stack, workdir / "ruta", RUTA_DB_URL=f"sqlite:///{workdir / 'ruta' / 'tracker.db'}")
        baseline = servers.bare(stack, project.path, workdir)
        assert baseline.proc is not None
        bare_pid = baseline.proc.pid
        groups = {"rasa": lambda: [servers.pid(ours, "rasa")], "actions": lambda: [servers.pid(ours, "actions")]}
        ruta_target = phases.Target([ours.url], texts.RUTA, groups)
        bare_target = phases.Target([baseline.url], texts.BARE, {"rasa": lambda: [bare_pid]})
        phases.warm_up(ruta_target)
        phases.warm_up(bare_target)
        seq = phases.sequential("", ruta_target, args.conversations, args.deadline)
        bare_seq = phases.sequential("bare_rasa_", bare_target, args.conversations, args.deadline)
        conc = phases.concurrent("", ruta_target, args.senders, args.deadline)
        bare_conc = phases.concurrent("bare_rasa_", bare_target, args.senders, args.deadline)
        emit("errors", seq.errors + conc.errors, "count")
        emit("bare_rasa_errors", bare_seq.errors + bare_conc.errors, "count")
        emit("rasa_server_rss_mb", rss_mb(servers.pid(ours, "rasa")), "MB", 0)
        emit("action_server_rss_mb", rss_mb(servers.pid(ours, "actions")), "MB", 0)
        emit("bare_rasa_server_rss_mb", rss_mb(bare_pid), "MB", 0)
        phase = f"concurrent{args.senders}"
        emit_ratio(
            "p95_ratio_vs_bare_rasa", "rest_latency_ms_p95_sequential", "bare_rasa_rest_latency_ms_p95_sequential"
        )
        emit_ratio(
            "throughput_ratio_vs_bare_rasa", f"messages_per_second_{phase}", f"bare_rasa_messages_per_second_{phase}"
        )
        ours.stop()  # free its memory and CPU for the scale-out; the bare bot stays for a re-check

        short = not FIGURES["throughput_ratio_vs_bare_rasa"] >= 1.5
        if args.scaleout == "always" or (args.scaleout == "auto" and short):

            def recheck() -> None:  # the baseline again, minutes later: how far did the machine drift?
                phases.concurrent("bare_rasa_recheck_", bare_target, args.senders, args.deadline)

            scaleout.run(workdir, args.conversations, args.senders, args.deadline, recheck)
            emit_ratio(
                "throughput_ratio_vs_bare_rasa_scaleout2",
                f"scaleout2_messages_per_second_{phase}",
                f"bare_rasa_messages_per_second_{phase}",
            )
            errors = FIGURES[f"scaleout2_errors_{phase}"] + FIGURES["scaleout2_errors_sequential"]
            emit("scaleout2_errors", int(errors), "count")


def verdicts() -> None:
    for name, kind, limit, unit in TARGETS:
        emit(f"target_{name}_{kind}", limit, unit)
    for name, kind, limit, _ in TARGETS:
        value = FIGURES.get(name)
        met = value is not None and (value <= limit if kind == "max" else value >= limit)
        if name == "throughput_ratio_vs_bare_rasa":
            met = met and FIGURES.get("errors") == 0
        emit(f"meets_{name}", "yes" if met else ("n/a" if value is None else "no"))
    rss = [FIGURES[k] for k in ("rasa_server_rss_mb", "scaleout2_rasa_server_rss_mb_max") if k in FIGURES]
    if "throughput_ratio_vs_bare_rasa_scaleout2" in FIGURES:
        met = FIGURES["throughput_ratio_vs_bare_rasa_scaleout2"] >= 1.5 and FIGURES.get("scaleout2_errors") == 0
        emit("meets_throughput_ratio_vs_bare_rasa_scaleout2", "yes" if met else "no")
    emit("meets_rss_mb_every_rasa_process", "yes" if rss and max(rss) <= 1300 else "no")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20, help="sequential phase: conversations of 10")
    parser.add_argument("--senders", type=int, default=20, help="concurrent phase: people at once, 10 messages each")
    parser.add_argument("--deadline", type=float, default=300, help="seconds per load phase before giving up")
    parser.add_argument("--scaleout", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--skip-training", action="store_true", help="leave out model_training_seconds")
    args = parser.parse_args(argv)
    # SIGTERM (from bench.sh's trap or its timeout) unwinds like Ctrl-C, so every `finally` runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="ruta-bench-"))
    try:
        emit("cpu_cores", os.cpu_count() or 0, "cores")
        emit("loadavg_1min_at_start", os.getloadavg()[0], "", 2)
        offline.nearest()
        offline.kb_reload()
        compare(workdir, args)
        if not args.skip_training:
            offline.training()
        emit("loadavg_1min_at_end", os.getloadavg()[0], "", 2)
        verdicts()
        emit("bench_wall_seconds", time.monotonic() - started, "s", 0)
        return 0
    except servers.ServerStartError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        shutil.rmtree(LOGS, ignore_errors=True)
        shutil.copytree(workdir, LOGS, ignore=shutil.ignore_patterns("*.db", "run"), dirs_exist_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"(server logs: {LOGS.relative_to(ROOT)}/)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
