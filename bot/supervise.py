"""Keep one process running: restart it when it exits, waiting longer after each quick failure.

``python -m bot.supervise --name "action server" --log .run/actions.log --pid-file .run/actions.pid -- CMD...``

Why: under ``make serve`` the action server's death used to stop Rasa too ("a Ruta process
stopped; stopping the other"), and nothing restarted either, so every message then met a refused
connection. Now each process has its own supervisor: the action server comes back within seconds
while Rasa keeps answering (with the fallback until actions work again), and a Rasa that dies is
restarted the same way. Back-off: 1 s after the first exit, doubled after every exit that came
less than ``--min-uptime`` seconds after its start, at most ``--max-backoff``; a process that ran
longer starts again from 1 s. It never gives up: a person writing in danger still gets the
fallback's emergency numbers from Rasa while the part is broken, and staff see the restarts.

SIGTERM or SIGINT stops the child (SIGTERM, then SIGKILL after ``--grace`` seconds) and the
supervisor. ``--pid-file`` holds the current child's pid (for ``kill`` and for the tests).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType


def backoff(previous: float, uptime: float, min_uptime: float, maximum: float) -> float:
    """Seconds to wait before the next start: 1 after a long run, else double the previous."""
    if uptime >= min_uptime or previous <= 0:
        return 1.0
    return min(previous * 2, maximum)


class Supervisor:
    """Runs ``command`` again and again until stopped."""

    def __init__(
        self,
        name: str,
        command: list[str],
        log: Path | None = None,
        pid_file: Path | None = None,
        min_uptime: float = 30.0,
        max_backoff: float = 15.0,
        grace: float = 20.0,
    ) -> None:
        self.name, self.command = name, command
        self.log, self.pid_file = log, pid_file
        self.min_uptime, self.max_backoff, self.grace = min_uptime, max_backoff, grace
        self.child: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self._lock = threading.Lock()  # a stop never misses a child being started
        self.starts = 0

    def say(self, message: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {self.name}: {message}", file=sys.stderr, flush=True)

    def run(self) -> int:
        delay = 0.0
        while not self.stopping.is_set():
            started = time.monotonic()
            output = self.log.open("ab") if self.log else None
            try:
                with self._lock:
                    if self.stopping.is_set():
                        break
                    self.child = subprocess.Popen(
                        self.command, stdout=output, stderr=subprocess.STDOUT if output else None
                    )
            except OSError as exc:
                self.say(f"could not start ({exc})")
                self.child = None
            finally:
                if output:
                    output.close()
            self.starts += 1
            if self.child is not None:
                if self.pid_file:
                    self.pid_file.write_text(f"{self.child.pid}\n")
                code = self.child.wait()
            else:
                code = 127
            if self.stopping.is_set():
                break
            uptime = time.monotonic() - started
            delay = backoff(delay, uptime, self.min_uptime, self.max_backoff)
            how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
            where = f"; see {self.log}" if self.log else ""
            self.say(f"{how} after {uptime:.0f} s{where}. Restarting in {delay:.0f} s.")
            self.stopping.wait(delay)
        if self.pid_file:
            self.pid_file.unlink(missing_ok=True)
        return 0

    def stop(self, *_: object) -> None:
        """Stop the child (TERM, then KILL after the grace period) and the loop."""
        self.stopping.set()
        with self._lock:
            child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            child.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.supervise", description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--log", type=Path, default=None, help="append the child's output here")
    parser.add_argument("--pid-file", type=Path, default=None)
    parser.add_argument("--min-uptime", type=float, default=30.0)
    parser.add_argument("--max-backoff", type=float, default=15.0)
    parser.add_argument("--grace", type=float, default=20.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    supervisor = Supervisor(
        args.name, command, args.log, args.pid_file, args.min_uptime, args.max_backoff, args.grace
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # Stopping waits for the child: do it off the signal handler, so the main loop sees it.
        threading.Thread(target=supervisor.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
