"""`make serve` itself (scripts/run.sh under real processes): what an attacker and an unlucky
deployment meet. The API is off, the action server is loopback-only and token-bound, a killed or
hung action server leaves Rasa answering with the fallback and comes back, a moved SQLite file
makes BORRAR say it could not erase, and a huge REST message never delays a signed SMS."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.fallback import Fallback
from tests.e2e.makeserve import MakeServe


def _answers_normally(serve: MakeServe, seconds: float = 300) -> None:
    """Wait until Rasa and the action server give a real answer (start-up, a restart)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if "COMAR" in serve.rest(f"warm-{uuid.uuid4().hex[:6]}", "como pido asilo en mexico")[0].text:
            return
        time.sleep(1)
    raise AssertionError(f"no normal answer within {seconds} s")


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeServe]:
    server = MakeServe(tmp_path_factory.mktemp("serve")).start()
    try:
        _answers_normally(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def fallback_text(serve: MakeServe) -> str:
    return Fallback(serve.workdir / "knowledge_base").text()


def _sender() -> str:
    return f"s-{uuid.uuid4().hex[:8]}"


def _wait_for_actions(serve: MakeServe, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if serve.action_health():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"the action server was not back within {seconds} s")


def test_rasas_http_api_is_off_without_a_token(serve: MakeServe) -> None:
    assert requests.get(f"{serve.url}/conversations/x/tracker", timeout=10).status_code == 404
    assert requests.put(f"{serve.url}/model", json={"model_file": "/tmp/evil.tar.gz"}, timeout=10).status_code == 404
    assert requests.post(f"{serve.url}/model/train", data="nlu: []", timeout=10).status_code == 404
    response, _ = serve.rest(_sender(), "como pido asilo en mexico")
    assert "COMAR" in response.text


def test_action_server_is_loopback_only_and_needs_the_runs_token(serve: MakeServe) -> None:
    assert serve.action_health()
    refused = requests.post(f"http://127.0.0.1:{serve.action_port}/webhook", json={"next_action": "x"}, timeout=10)
    assert refused.status_code == 403
    others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    for address in others - {"127.0.1.1"}:
        with socket.socket() as sock, pytest.raises(OSError):
            sock.settimeout(2)
            sock.connect((address, serve.action_port))
    environ = Path(f"/proc/{serve.pid('actions')}/environ").read_bytes().split(b"\0")
    names = {entry.split(b"=", 1)[0].decode() for entry in environ if entry}
    assert not names & {"TWILIO_AUTH_TOKEN", "RUTA_PSEUDONYM_KEY", "RUTA_DB_URL"}, "secrets reached the action server"
    for name in ("endpoints.yml", "credentials.yml"):
        assert stat.S_IMODE((serve.run_dir / name).stat().st_mode) == 0o600


def test_killed_action_server_fallback_within_ten_seconds_and_back_within_thirty(
    serve: MakeServe, fallback_text: str
) -> None:
    os.kill(serve.pid("actions"), signal.SIGKILL)
    killed = time.monotonic()
    rest, rest_seconds = serve.rest(_sender(), "como pido asilo en mexico")
    assert rest.status_code == 200 and rest_seconds < 10, f"REST took {rest_seconds:.1f} s"
    assert rest.json()[0]["text"] == fallback_text and "110 en Guatemala" in fallback_text
    sms, sms_seconds = serve.twilio("como pido asilo en mexico")
    assert sms.status_code == 200 and sms_seconds < 10, f"SMS took {sms_seconds:.1f} s"
    assert "Ruta no puede responder ahora" in sms.text and "110" in sms.text
    assert requests.get(f"{serve.url}/webhooks/rest/", timeout=5).ok, "Rasa stays up"
    back = _wait_for_actions(serve, 30 - (time.monotonic() - killed))
    assert time.monotonic() - killed < 30, f"back after {back:.1f} s"
    _answers_normally(serve, 120)  # and Rasa answers normally again once the actions run
    assert "action server: was killed by signal 9" in serve.log.read_text(errors="replace")


def test_hung_action_server_gets_the_rest_fallback_within_ten_seconds(serve: MakeServe, fallback_text: str) -> None:
    _answers_normally(serve)
    pid = serve.pid("actions")
    os.kill(pid, signal.SIGSTOP)  # accepts connections (the kernel's backlog), never answers
    try:
        response, seconds = serve.rest(_sender(), "como pido asilo en mexico")
        assert response.status_code == 200 and seconds < 10, f"took {seconds:.1f} s"
        assert response.json() == [{"recipient_id": response.json()[0]["recipient_id"], "text": fallback_text}]
    finally:
        os.kill(pid, signal.SIGCONT)


def test_huge_rest_message_is_refused_at_once_and_an_sms_meanwhile_answered_within_eight_seconds(
    serve: MakeServe,
) -> None:
    _answers_normally(serve)
    log_before = serve.log.stat().st_size
    result: dict[str, object] = {}

    def huge() -> None:
        started = time.monotonic()
        response = requests.post(
            f"{serve.url}/webhooks/rest/webhook", json={"sender": "huge", "message": "asilo " * 175_000}, timeout=60
        )
        result["status"], result["seconds"] = response.status_code, time.monotonic() - started

    thread = threading.Thread(target=huge)
    thread.start()
    sms, seconds = serve.twilio("como pido asilo en mexico")
    thread.join(60)
    assert result["status"] == 413 and float(result["seconds"]) < 2  # type: ignore[arg-type]
    assert sms.status_code == 200 and seconds < 8, f"SMS took {seconds:.1f} s"
    assert "COMAR" in sms.text or "Ruta no puede responder" in sms.text
    assert serve.log.stat().st_size - log_before < 20_000, "the message went into the log"
    with sqlite3.connect(serve.db) as conn:
        assert conn.execute("select count(*) from events where sender_id = 'huge'").fetchone()[0] == 0


@pytest.mark.parametrize("body", [b"", b"[]", b'"x"', b"null"])
def test_rest_bodies_that_are_not_objects_get_400(serve: MakeServe, body: bytes) -> None:
    response = requests.post(
        f"{serve.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 400


def test_moved_sqlite_file_makes_borrar_say_it_could_not_erase_and_turns_are_written_back(serve: MakeServe) -> None:
    _answers_normally(serve)
    number, rest_sender, during = "+50255" + str(uuid.uuid4().int)[:6], _sender(), _sender()
    serve.twilio("hola", number=number)
    serve.rest(rest_sender, "hola")
    moved = serve.db.with_suffix(".moved")
    serve.db.rename(moved)
    try:
        sms, _ = serve.twilio("BORRAR", number=number)
        assert "No pudimos borrar" in sms.text
        rest, _ = serve.rest(rest_sender, "BORRAR")
        assert rest.json()[0]["text"].startswith("No pudimos borrar")
        reply, seconds = serve.rest(during, "hola")  # answered while the database is away
        assert reply.status_code == 200 and seconds < 10
        assert not serve.db.exists(), "SQLite must not create an empty database in its place"
    finally:
        moved.rename(serve.db)
    with sqlite3.connect(serve.db) as conn:
        assert conn.execute("select count(*) from events where sender_id = ?", (rest_sender,)).fetchone()[0] > 0
    deadline = time.monotonic() + 30
    stored = 0
    while time.monotonic() < deadline and not stored:
        with sqlite3.connect(serve.db) as conn:
            stored = conn.execute("select count(*) from events where sender_id = ?", (during,)).fetchone()[0]
        time.sleep(0.5)
    assert stored, "the turn served from memory during the outage was written back"
