"""Figures that need no server: nearest-place lookup, knowledge base reload, model training.

They run before/after the load phases, never during them, so they don't steal the two cores
from the servers being measured (and vice versa).
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.report import emit, passthrough
from tests.e2e.servers import BIN, ROOT, base_env


def nearest(timeout: float = 600) -> None:
    """Run bench/nearest_bench.py as it is and pass its lines through (its figures, its names)."""
    done = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "nearest_bench.py")],
        cwd=ROOT,
        env=base_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    for line in done.stdout.splitlines():
        passthrough(line)


def kb_reload(root: Path = ROOT / "knowledge_base", repeats: int = 5) -> None:
    """First load, then the median of ``repeats`` reloads of the shipped knowledge base.

    Timed around ``reload()`` itself (file fingerprint + parse + validate + swap): that is what a
    live edit costs the action server. The first load also pays one-off costs (lazy imports,
    pydantic/YAML warm-up), so it is reported apart and kept out of the median.
    """
    from bot.world.store import KnowledgeStore  # imported here: only this phase needs it

    store = KnowledgeStore(root)
    started = time.perf_counter()
    if not store.reload():
        raise RuntimeError(f"the shipped knowledge base did not load: {store.last_error}")
    emit("kb_first_load_seconds", time.perf_counter() - started, "s", 3)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        store.reload()
        times.append(time.perf_counter() - started)
    emit("kb_reload_seconds", statistics.median(times), "s", 3)


def training(timeout: float = 1200) -> None:
    """``rasa train --force`` of our project into a temp dir.

    ``--force`` because Rasa 3 caches every trained component in ``.rasa/cache``: without it an
    unchanged project "trains" in seconds from the cache, which is not the figure anyone wants.
    """
    with tempfile.TemporaryDirectory(prefix="ruta-bench-train-") as out:
        started = time.monotonic()
        done = subprocess.run(
            [str(BIN / "rasa"), "train", "--fixed-model-name", "bench", "--out", out, "--force", "--quiet"],
            cwd=ROOT,
            env=base_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        seconds = time.monotonic() - started
        if done.returncode != 0 or not (Path(out) / "bench.tar.gz").exists():
            raise RuntimeError(f"rasa train failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
    emit("model_training_seconds", seconds, "s")
