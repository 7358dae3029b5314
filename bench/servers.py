"""Start our servers with tests/e2e/servers.py's ``Ruta`` (same commands, env and health checks as
the end-to-end tests), registering each stop *before* its start so a half-started pair is stopped
too; a start that fails becomes ``ServerStartError`` (the bench then exits non-zero)."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from bench.bare import BareServer
from tests.e2e.servers import Ruta, base_env


class ServerStartError(RuntimeError):
    """A server did not come up; its log tail is in the message."""


def ruta(stack: contextlib.ExitStack, workdir: Path, action_url: str | None = None, **env: str) -> Ruta:
    """Action server + Rasa server, or only a Rasa server that uses ``action_url``'s action server."""
    workdir.mkdir(parents=True, exist_ok=True)
    server = Ruta(workdir, base_env(**env))
    stack.callback(server.stop)
    try:
        if action_url:
            server.env = {**server.env, "RUTA_ACTION_URL": action_url}
            server.start_rasa()
        else:
            server.start()
    except (RuntimeError, TimeoutError, OSError, subprocess.SubprocessError) as exc:
        raise ServerStartError(f"Ruta in {workdir} did not start: {exc}") from exc
    return server


def bare(stack: contextlib.ExitStack, project: Path, workdir: Path) -> BareServer:
    server = BareServer(project, workdir)
    stack.callback(server.stop)
    try:
        return server.start()
    except (RuntimeError, TimeoutError, OSError, subprocess.SubprocessError) as exc:
        raise ServerStartError(f"the bare Rasa server did not start: {exc}") from exc


def action_url(server: Ruta) -> str:
    return f"http://127.0.0.1:{server.action_port}/webhook"


def pid(server: Ruta, name: str) -> int:
    return server.procs[name].pid
