"""Faults: the action server down or hung, the database down mid-run. A person always gets a
reply (or, on REST, the server stays up and logs the failure), and service comes back with the part."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import PSEUDONYM_KEY, TWILIO_TOKEN
from tests.e2e.servers import ROOT, Ruta, base_env, free_port


def _twilio(ruta: Ruta, body: str) -> tuple[requests.Response, float]:
    url = f"{ruta.url}/webhooks/twilio/webhook"
    form = {"From": "+5025" + str(uuid.uuid4().int)[:7], "Body": body}
    headers = {"X-Twilio-Signature": RequestValidator(TWILIO_TOKEN).compute_signature(url, form)}
    started = time.monotonic()
    response = requests.post(url, data=form, headers=headers, timeout=30)
    return response, time.monotonic() - started


def _env(workdir: Path, **extra: str) -> dict[str, str]:
    return base_env(
        RUTA_KB_PATH=str(ROOT / "knowledge_base"),
        RUTA_DB_URL=f"sqlite:///{workdir / 'tracker.db'}",
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        RUTA_PSEUDONYM_KEY=PSEUDONYM_KEY,
        **extra,
    )


@pytest.fixture(scope="module")
def ruta(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ruta]:
    workdir = tmp_path_factory.mktemp("faults")
    server = Ruta(workdir, _env(workdir)).start()
    yield server
    server.stop()


def test_action_server_down_then_back(ruta: Ruta) -> None:
    ruta.stop_actions()
    try:
        response, seconds = _twilio(ruta, "como pido asilo en mexico")
        assert response.status_code == 200 and seconds < 10
        assert "Ruta no puede responder ahora" in response.text and "llama al 911" in response.text
        rest = requests.post(
            f"{ruta.url}/webhooks/rest/webhook", json={"sender": "down", "message": "hola"}, timeout=30
        )
        assert rest.status_code == 200 and "Ruta no puede responder ahora" in rest.text  # REST too: the fallback
        assert "Failed to execute custom action" in (ruta.workdir / "rasa.log").read_text(errors="replace") or (
            "Encountered an exception while running action" in (ruta.workdir / "rasa.log").read_text(errors="replace")
        )
    finally:
        ruta.start_actions()
    assert "COMAR" in ruta.text(f"back-{uuid.uuid4().hex[:6]}", "como pido asilo en mexico")


def _blackhole() -> tuple[int, threading.Event]:
    """A port that accepts connections and never answers: a hung action server."""
    port, stop = free_port(), threading.Event()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(50)
    server.settimeout(0.2)
    held: list[socket.socket] = []

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue
        for conn in held:
            conn.close()
        server.close()

    threading.Thread(target=run, daemon=True).start()
    return port, stop


def test_hung_action_server_gets_the_fallback_within_ten_seconds(tmp_path: Path) -> None:
    port, stop = _blackhole()
    ruta = Ruta(tmp_path, _env(tmp_path, RUTA_ACTION_URL=f"http://127.0.0.1:{port}/webhook"))
    try:
        ruta.start_rasa()
        response, seconds = _twilio(ruta, "como pido asilo en mexico")
        assert response.status_code == 200
        assert seconds < 10, f"fallback took {seconds:.1f} s"
        assert "Ruta no puede responder ahora" in response.text
    finally:
        ruta.stop()
        stop.set()


PG = os.environ.get("RUTA_TEST_PG_URL")


@pytest.mark.skipif(not PG, reason="PostgreSQL not started (run `make test`)")
def test_database_down_mid_run_keeps_answering_and_recovers(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    assert PG
    services = [str(ROOT / "scripts" / "services.sh")]
    ruta = Ruta(tmp_path, {**_env(tmp_path), "RUTA_DB_URL": PG}).start()
    try:
        assert "Hola" in ruta.text("db-before", "hola")
        subprocess.run([*services, "pg-stop"], check=True, timeout=60)
        try:
            reply = ruta.say("db-down", "hola")
            assert reply and "Hola" in reply[0]["text"], "answers keep coming while the database is down"
            log = (ruta.workdir / "rasa.log").read_text(errors="replace")
            assert "OperationalError" in log or "Error" in log
        finally:
            subprocess.run([*services, "pg-start"], check=True, timeout=60)
        engine = create_engine(PG)
        stored = 0
        for attempt in range(5):
            sender = f"db-after-{attempt}"
            ruta.text(sender, "hola")
            with engine.connect() as conn:
                stored = conn.execute(text("select count(*) from events where sender_id = :s"), {"s": sender}).scalar()
            if stored:
                break
            time.sleep(1)
        engine.dispose()
        assert stored, "conversations are stored again once the database is back"
    finally:
        ruta.stop()


def test_database_down_at_start_waits_then_starts(tmp_path: Path) -> None:
    """The launcher waits for the database instead of starting Rasa without its tables."""
    import sys

    env = {**base_env(), "RUTA_DB_URL": f"postgresql://ruta@127.0.0.1:{free_port()}/none"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.rasa.runtime", "--wait-db", "2", str(tmp_path / "run")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Waiting for the tracker database" in result.stderr and "did not answer" in result.stderr
    assert "Traceback" not in result.stderr
