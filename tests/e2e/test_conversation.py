"""Conversations through the REST webhook of a real Rasa server with the trained model."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import requests

from tests.e2e.servers import Ruta


def _sender() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


def test_status_and_health(ruta: Ruta) -> None:
    assert ruta.api("GET", "/status").json()["model_file"]  # Rasa's API: only with the token
    assert requests.get(f"http://127.0.0.1:{ruta.action_port}/health", timeout=5).ok


def test_greeting_in_each_language(ruta: Ruta) -> None:
    spanish = ruta.text(_sender(), "hola")
    assert "Hola, soy Ruta" in spanish and "1 Pedir asilo" in spanish
    english = ruta.text(_sender(), "hi")
    assert "Hi, I'm Ruta" in english and "1 Apply for asylum" in english


def test_asylum_in_mexico_in_both_languages(ruta: Ruta) -> None:
    spanish = ruta.text(_sender(), "como pido asilo en mexico")
    assert "COMAR" in spanish and "Fuente:" in spanish and "Revisado:" in spanish
    english = ruta.text(_sender(), "How do I apply for asylum in Mexico?")
    assert "COMAR" in english and "Source:" in english and "Reviewed:" in english


def test_readme_shell_path(ruta: Ruta) -> None:
    sender = _sender()
    assert "1 Pedir asilo" in ruta.text(sender, "hola")
    assert "3 Guatemala" in ruta.text(sender, "asilo")
    answer = ruta.text(sender, "3")
    assert "Guatemala" in answer and "Fuente:" in answer
    work = ruta.text(sender, "and can I work?")
    assert "Source:" in work and "work" in work.lower()
    danger = ruta.say(sender, "me quieren matar")
    assert danger[0]["text"].startswith(("Si estás en peligro", "If you are in danger")) and "110" in danger[0]["text"]


def test_nearest_office_asks_for_the_town(ruta: Ruta) -> None:
    sender = _sender()
    assert "ciudad o pueblo" in ruta.text(sender, "donde esta la oficina mas cercana")
    places = ruta.text(sender, "tapachula")
    assert "Tapachula" in places and "1." in places


def test_conversation_is_stored_in_the_sqlite_tracker(ruta: Ruta) -> None:
    sender = _sender()
    ruta.text(sender, "hola")
    db = ruta.env["RUTA_DB_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]
    assert rows > 0


def test_malformed_requests_get_clear_errors_not_500(ruta: Ruta) -> None:
    url = f"{ruta.url}/webhooks/rest/webhook"
    assert requests.post(url, data=b"\xff\xfe not json", timeout=10).status_code < 500
    assert requests.post(url, json={"sender": "x"}, timeout=10).status_code < 500


def test_content_edit_is_live_and_a_broken_file_is_refused(ruta: Ruta, kb_dir: Path) -> None:
    import time

    path = kb_dir / "mexico.yml"
    original = path.read_text(encoding="utf-8")
    marker = "Texto de prueba recargado en vivo."
    edited = original.replace("Pide asilo (refugio) a la COMAR", f"{marker} Pide asilo a la COMAR", 1)
    assert edited != original
    try:
        path.write_text(edited, encoding="utf-8")
        # How fast an edit goes live is a figure of `make bench` (kb_reload_seconds); here only
        # that it goes live, with a deadline generous enough for a loaded 2-core CI machine.
        started = time.monotonic()
        text = ""
        while time.monotonic() - started < 60:
            text = ruta.text(_sender(), "como pido asilo en mexico")
            if marker in text:
                break
            time.sleep(0.2)
        assert marker in text, "edited content not served"

        path.write_text(edited.replace("topics:", "topics: [broken", 1), encoding="utf-8")
        time.sleep(1.5)
        assert marker in ruta.text(_sender(), "como pido asilo en mexico"), "last good content must keep serving"
    finally:
        path.write_text(original, encoding="utf-8")
