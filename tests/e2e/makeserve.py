"""Run ``scripts/run.sh serve`` (what ``make serve`` runs) for a test, in its own run directory and ports."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from tests.e2e.servers import BIN, ROOT, base_env, ensure_model, free_port

TWILIO_TOKEN = "makeserve-auth-token-0123456789abcdef"
PSEUDONYM_KEY = "makeserve-pseudonym-key-0123456789abcdef"


def committed_knowledge_base(target: Path) -> Path:
    """The knowledge base as last committed (editors may be halfway through an edit in the checkout)."""
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", "HEAD", "knowledge_base"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target / "knowledge_base"


@dataclass
class MakeServe:
    """One ``scripts/run.sh serve`` with its supervisors, stopped with SIGTERM like Ctrl-C."""

    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def run_dir(self) -> Path:
        return self.workdir / "run"

    @property
    def log(self) -> Path:
        return self.workdir / "serve.log"

    @property
    def db(self) -> Path:
        return self.workdir / "tracker.db"

    def env(self) -> dict[str, str]:
        env = base_env(
            RUTA_RUN_DIR=str(self.run_dir),
            RUTA_PORT=str(self.rasa_port),
            RUTA_ACTION_PORT=str(self.action_port),
            RUTA_KB_PATH=str(self.workdir / "knowledge_base"),
            RUTA_DB_URL=f"sqlite:///{self.db}",
            TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
            RUTA_PSEUDONYM_KEY=PSEUDONYM_KEY,
        )
        for name in ("RUTA_API_TOKEN", "RUTA_ACTION_TOKEN", "RUTA_ACTION_URL", "RUTA_DEV", "SANIC_WORKERS"):
            env.pop(name, None)
        env.update(self.extra_env)
        return env

    def start(self, seconds: float = 600) -> MakeServe:
        ensure_model()
        if not (self.workdir / "knowledge_base").exists():
            committed_knowledge_base(self.workdir)
        env = self.env()
        if env["RUTA_DB_URL"].startswith("sqlite"):
            create = [str(BIN / "python"), "-m", "bot.rasa.runtime", "--create-db"]
            subprocess.run(create, cwd=ROOT, env=env, check=True)
        self.proc = subprocess.Popen(
            [str(ROOT / "scripts" / "run.sh"), "serve"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches every child
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"run.sh exited ({self.proc.returncode}):\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/webhooks/rest/", timeout=2).ok:  # /status is API: off
                    return self
            except requests.RequestException:
                pass
            time.sleep(1)
        self.stop()
        raise TimeoutError(f"make serve not up after {seconds} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def pid(self, name: str) -> int:
        return int((self.run_dir / f"{name}.pid").read_text())

    def action_health(self) -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=1).ok
        except requests.RequestException:
            return False

    def rest(self, sender: str, message: str, timeout: float = 30) -> tuple[requests.Response, float]:
        started = time.monotonic()
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )
        return response, time.monotonic() - started

    def twilio(self, body: str, number: str | None = None, sid: str | None = None) -> tuple[requests.Response, float]:
        url = f"{self.url}/webhooks/twilio/webhook"
        number = number or "+5025" + str(uuid.uuid4().int)[:7]
        form = {"From": number, "Body": body, "MessageSid": sid or f"SM{uuid.uuid4().hex}"}
        headers = {"X-Twilio-Signature": RequestValidator(TWILIO_TOKEN).compute_signature(url, form)}
        started = time.monotonic()
        response = requests.post(url, data=form, headers=headers, timeout=30)
        return response, time.monotonic() - started
