"""A private, throw-away PostgreSQL and Redis on free loopback ports, for the scale-out figures.

Why not ``scripts/services.sh start``: it wipes and restarts the one shared instance in
``.run/services`` (on the ports that instance picked), so starting it from the bench would kill the database under a
``make test`` that someone else is running in this checkout (and their ``services.sh stop``
would kill ours mid-measurement). This does the same thing (Debian's binaries, trust auth,
``fsync=off``, no Redis persistence) in its own temp dir and ports, and removes it afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.e2e.servers import free_port


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found or not shutil.which("redis-server"):
        raise RuntimeError("PostgreSQL or Redis is not installed; run scripts/services.sh start once to install them")
    return found[-1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root, so as root they run as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Services:
    """Start with ``start()``; ``stop()`` is safe to call in any state, even after a failed start."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ruta-bench-services-"))
        self.pg_port = free_port()
        self.redis_port = free_port()
        self._pg_started = False
        self._redis: subprocess.Popen | None = None

    @property
    def pg_url(self) -> str:
        return f"postgresql://ruta@127.0.0.1:{self.pg_port}/ruta_bench"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def redis_pid(self) -> int | None:
        return self._redis.pid if self._redis else None

    def start(self) -> Services:
        pg_bin, data = _pg_bin(), self.dir / "pg"
        data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            shutil.chown(data, "postgres")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True, "timeout": 120}
        subprocess.run(_as_postgres([str(pg_bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "ruta"]), **quiet)
        options = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {data} -c fsync=off"
        pg_ctl = [str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w", "-o", options]
        subprocess.run(_as_postgres([*pg_ctl, "start"]), **quiet)
        self._pg_started = True
        subprocess.run(
            [str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "ruta", "ruta_bench"], **quiet
        )
        self._redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_port(self.redis_port, self._redis)
        return self

    @staticmethod
    def _wait_port(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited ({proc.returncode})")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"redis-server not listening on {port} after {seconds} s")

    def stop(self) -> None:
        if self._redis and self._redis.poll() is None:
            self._redis.terminate()
            try:
                self._redis.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._redis.kill()
        if self._pg_started:
            pg_ctl = [str(_pg_bin() / "pg_ctl"), "-D", str(self.dir / "pg"), "-m", "fast", "-w", "stop"]
            subprocess.run(_as_postgres(pg_ctl), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            self._pg_started = False
        shutil.rmtree(self.dir, ignore_errors=True)
