"""The baseline: a bare ``rasa init`` bot, trained once and cached under ``.run/bench-bare/``.

Why a bare bot: "how fast is Ruta" only means something next to "how fast is Rasa itself on this
machine today". ``rasa init --no-prompt`` gives Rasa's own default project (DIET + TED, moodbot
data) and trains it; we keep its config and its defaults as they are — in-memory tracker store and
lock store, no action server (its endpoints.yml has them commented out), REST channel from its
credentials.yml. Training takes minutes, so the project is cached and only retrained when the
cache is missing, incomplete or from another Rasa version.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from tests.e2e.servers import BIN, ROOT, base_env, free_port, wait_http

CACHE = ROOT / ".run" / "bench-bare"
MARKER = CACHE / "bench-cache.json"


@dataclass(frozen=True)
class BareProject:
    path: Path
    training_seconds: float
    cached: bool


def _cached() -> BareProject | None:
    try:
        meta = json.loads(MARKER.read_text())
    except (FileNotFoundError, ValueError):
        return None
    if meta.get("rasa") != version("rasa") or not list((CACHE / "models").glob("*.tar.gz")):
        return None
    return BareProject(CACHE, float(meta["training_seconds"]), cached=True)


def ensure(timeout: float = 1800) -> BareProject:
    """The cached bare project, creating and training it (timed) in a temp dir first if needed."""
    found = _cached()
    if found:
        return found
    with tempfile.TemporaryDirectory(prefix="ruta-bench-bare-") as tmp:
        project = Path(tmp) / "bare"
        project.mkdir()
        log = Path(tmp) / "init.log"
        started = time.monotonic()
        with log.open("wb") as out:
            done = subprocess.run(
                [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
                cwd=tmp,
                env=base_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        seconds = time.monotonic() - started
        if done.returncode != 0 or not list((project / "models").glob("*.tar.gz")):
            raise RuntimeError(f"rasa init failed ({done.returncode}); log:\n{log.read_text()[-3000:]}")
        # Copy next to the cache, then swap it in: an interrupted run never leaves half a cache.
        staging = CACHE.with_name("bench-bare.partial")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(project, staging, ignore=shutil.ignore_patterns(".rasa"))
        (staging / MARKER.name).write_text(
            json.dumps({"rasa": version("rasa"), "training_seconds": round(seconds, 1), "created": time.ctime()})
        )
        shutil.rmtree(CACHE, ignore_errors=True)
        staging.rename(CACHE)
    return BareProject(CACHE, seconds, cached=False)


class BareServer:
    """``rasa run --enable-api`` in the bare project, with everything else at Rasa's defaults."""

    def __init__(self, project: Path, workdir: Path) -> None:
        self.project = project
        self.log = workdir / "bare-rasa.log"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BareServer:
        self.proc = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--enable-api", "--port", str(self.port), "--model", "models"],
            cwd=self.project,
            env=base_env(),
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_http(f"{self.url}/status", self.proc, self.log)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
