"""Start and stop real Ruta processes (action server, Rasa server) for end-to-end tests.

Started as ``make serve`` starts them: the action server through ``bot.rasa.action_server``
(loopback, a token shared with Rasa), Rasa through ``bot.rasa.server`` with the files
``bot.rasa.runtime`` writes. Rasa's HTTP API is on only with a token (``Ruta.api_token``), as with
``RUTA_API_TOKEN``: use ``Ruta.api()`` to call it.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "ruta.tar.gz"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_model() -> Path:
    """The trained model (`make test` trains it first; this trains it when run alone)."""
    if not MODEL.exists():
        subprocess.run(
            [str(BIN / "rasa"), "train", "--fixed-model-name", "ruta", "--out", "models", "--quiet"],
            cwd=ROOT,
            check=True,
            env=base_env(),
        )
    return MODEL


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra)
    return env


def wait_http(url: str, proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited ({proc.returncode}); log:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {seconds}s; log:\n{log.read_text()[-3000:]}")


@dataclass
class Ruta:
    """A running action server + Rasa server pair on loopback ports."""

    workdir: Path
    env: dict[str, str]
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    api_token: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self) -> None:
        log = self.workdir / "actions.log"
        self.procs["actions"] = subprocess.Popen(
            [str(BIN / "python"), "-m", "bot.rasa.action_server", "--actions", "actions"]
            + ["--port", str(self.action_port)],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        # /ready: the knowledge base is loaded, so the first message does not meet the fallback
        wait_http(f"http://127.0.0.1:{self.action_port}/ready", self.procs["actions"], log, seconds=600)

    def stop_actions(self) -> None:
        self._stop("actions")

    def start_rasa(self, extra_args: list[str] | None = None) -> None:
        run_dir = self.workdir / "run"
        subprocess.run(
            [str(BIN / "python"), "-m", "bot.rasa.runtime", "--create-db", "--wait-db", "60", str(run_dir)],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        log = self.workdir / "rasa.log"
        self.procs["rasa"] = subprocess.Popen(
            [
                str(BIN / "python"),
                "-m",
                "bot.rasa.server",
                "run",
                "--model",
                str(ensure_model()),
                "--endpoints",
                str(run_dir / "endpoints.yml"),
                "--credentials",
                str(run_dir / "credentials.yml"),
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--auth-token",
                self.api_token,
                *(extra_args or []),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_http(f"{self.url}/status?token={self.api_token}", self.procs["rasa"], log)

    def api(self, method: str, path: str, token: str | None = "", **kwargs: Any) -> requests.Response:
        """Call Rasa's HTTP API; with this server's token unless ``token`` says otherwise (None: none)."""
        params = dict(kwargs.pop("params", {}))
        if token is not None:
            params["token"] = token or self.api_token
        return requests.request(method, f"{self.url}{path}", params=params, timeout=kwargs.pop("timeout", 30), **kwargs)

    def start(self) -> Ruta:
        self.env = {
            "RUTA_ACTION_TOKEN": secrets.token_hex(16),
            **self.env,
            "RUTA_ACTION_URL": f"http://127.0.0.1:{self.action_port}/webhook",
        }
        try:
            self.start_actions()
            self.start_rasa()
        except BaseException:  # a half-started pair must not outlive the test
            self.stop()
            raise
        return self

    def _stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def stop(self) -> None:
        for name in list(self.procs):
            self._stop(name)

    def say(self, sender: str, message: str, timeout: float = 30) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )
        response.raise_for_status()
        return response.json()

    def text(self, sender: str, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(sender, message))
