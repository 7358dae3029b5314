"""bot.supervise with real child processes: restarts with back-off, stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.supervise import backoff

ROOT = Path(__file__).resolve().parents[2]


def test_backoff_doubles_after_quick_exits_and_resets_after_a_long_run() -> None:
    delays = []
    delay = 0.0
    for _ in range(6):
        delay = backoff(delay, uptime=0.5, min_uptime=30, maximum=15)
        delays.append(delay)
    assert delays == [1, 2, 4, 8, 15, 15]
    assert backoff(15, uptime=60, min_uptime=30, maximum=15) == 1


def _start(tmp_path: Path, child: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.supervise",
            "--name",
            "child",
            "--log",
            str(tmp_path / "child.log"),
            "--pid-file",
            str(tmp_path / "child.pid"),
            "--min-uptime",
            "5",
            "--max-backoff",
            "2",
            "--grace",
            "2",
            "--",
            sys.executable,
            "-c",
            child,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )


def _pid(tmp_path: Path, not_this: int | None = None, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid = int((tmp_path / "child.pid").read_text())
            if pid != not_this:
                return pid
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.05)
    raise TimeoutError("no (new) child pid")


def _started(tmp_path: Path, times: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    log = tmp_path / "child.log"
    while time.monotonic() < deadline:
        if log.exists() and log.read_text().count("up") >= times:
            return
        time.sleep(0.05)
    raise TimeoutError(f"the child did not start {times} time(s)")


def test_a_killed_child_is_started_again_and_stop_ends_both(tmp_path: Path) -> None:
    supervisor = _start(tmp_path, "import time; print('up', flush=True); time.sleep(600)")
    try:
        first = _pid(tmp_path)
        _started(tmp_path, 1)
        os.kill(first, signal.SIGKILL)
        second = _pid(tmp_path, not_this=first, seconds=5)  # back after the 1 s back-off
        _started(tmp_path, 2)
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=10) == 0
        time.sleep(0.2)
        try:
            os.kill(second, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert not alive, "the child outlived its supervisor"
        assert not (tmp_path / "child.pid").exists()
        assert "was killed by signal 9" in supervisor.stderr.read()
        assert (tmp_path / "child.log").read_text().count("up") == 2
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def test_a_child_that_keeps_failing_is_retried_with_growing_waits(tmp_path: Path) -> None:
    supervisor = _start(tmp_path, "import sys; sys.exit(3)")
    try:
        time.sleep(5)
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=10)
        lines = [line for line in supervisor.stderr.read().splitlines() if "exited with code 3" in line]
        assert 2 <= len(lines) <= 5, lines  # 1 s, 2 s, 2 s ... not a busy loop
        assert "Restarting in 1 s" in lines[0] and "Restarting in 2 s" in lines[1]
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
