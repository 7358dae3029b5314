"""Pseudonyms, erasure and retention against real SQLite files written by Rasa's SQLTrackerStore."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import privacy
from bot.__main__ import main

KEY = b"test-key-0123456789abcdef"
DAY = 86400.0


def make_store(path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))


def save_conversation(store: SQLTrackerStore, sender_id: str, *timestamps: float) -> int:
    """Store a conversation whose events carry ``timestamps``; returns the number of events."""
    start = timestamps[0]
    events = [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start),
        ActionExecuted("action_listen", timestamp=start),
    ]
    for ts in timestamps:
        events += [UserUttered("necesito asilo", timestamp=ts), BotUttered("Puedes pedir asilo…", timestamp=ts)]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender_id, events)))
    return len(events)


def rows(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id").fetchall())


# Pseudonyms -------------------------------------------------------------------------------------


def test_pseudonym_is_stable_keyed_and_hides_the_number() -> None:
    one = privacy.pseudonym("+50212345678", KEY)
    assert one == privacy.pseudonym("+50212345678", KEY)
    assert one.startswith("p_") and len(one) == 2 + 64
    assert "12345678" not in one
    assert one != privacy.pseudonym("+50212345679", KEY)
    assert one != privacy.pseudonym("+50212345678", b"another-key-0123456789")


def test_sms_and_whatsapp_from_one_number_share_a_conversation() -> None:
    sms_id = privacy.pseudonym("+50212345678", KEY)
    assert privacy.pseudonym("whatsapp:+50212345678", KEY) == sms_id
    assert privacy.pseudonym("WhatsApp:+502 1234-5678", KEY) == sms_id
    assert privacy.pseudonym(" +502 (1234) 5678 ", KEY) == sms_id


def test_pseudonym_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUTA_PSEUDONYM_KEY", "a" * 32)
    assert privacy.pseudonym_key() == b"a" * 32


def test_short_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUTA_PSEUDONYM_KEY", "short")
    with pytest.raises(privacy.PseudonymKeyError, match="too short"):
        privacy.pseudonym_key()


def test_missing_key_is_an_error_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUTA_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("RUTA_DEV", raising=False)
    with pytest.raises(privacy.PseudonymKeyError, match="RUTA_PSEUDONYM_KEY is not set") as info:
        privacy.pseudonym_key()
    assert "secrets.token_hex" in str(info.value)


def test_missing_key_in_development_warns_loudly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("RUTA_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("RUTA_DEV", "1")
    with caplog.at_level(logging.WARNING, logger="bot.privacy"):
        assert privacy.pseudonym_key() == privacy.DEV_KEY
    assert "PUBLIC development key" in caplog.text


# Erasure ----------------------------------------------------------------------------------------


def test_erase_deletes_only_that_senders_rows(tmp_path: Path) -> None:
    db = tmp_path / "ruta.db"
    store = make_store(db)
    now = time.time()
    alice, bob = privacy.pseudonym("+50211111111", KEY), privacy.pseudonym("+50422222222", KEY)
    n_alice = save_conversation(store, alice, now - 60, now)
    n_bob = save_conversation(store, bob, now)
    assert privacy.has_events(f"sqlite:///{db}", alice)

    assert privacy.erase(f"sqlite:///{db}", alice) == n_alice
    assert rows(db) == {bob: n_bob}
    assert asyncio.run(store.retrieve(alice)) is None
    assert not privacy.has_events(f"sqlite:///{db}", alice)
    assert privacy.erase(f"sqlite:///{db}", alice) == 0


def test_erase_accepts_rasas_own_engine(tmp_path: Path) -> None:
    db = tmp_path / "ruta.db"
    store = make_store(db)
    sender = privacy.pseudonym("+50588888888", KEY)
    n = save_conversation(store, sender, time.time())
    assert privacy.erase(store.engine, sender) == n
    assert rows(db) == {}


def test_database_without_events_table_cannot_say_nothing_was_stored(tmp_path: Path) -> None:
    """An empty file where the conversations should be (replaced, wrong path) is an error for
    erasure: "nothing stored" would be a lie if the real database is elsewhere."""
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    with pytest.raises(privacy.DatabaseUnavailable, match="no conversations table"):
        privacy.erase(f"sqlite:///{db}", "p_x")
    assert privacy.purge(f"sqlite:///{db}", 90) == 0
    assert privacy.has_events(f"sqlite:///{db}", "p_x") is False


# Retention --------------------------------------------------------------------------------------


def test_purge_deletes_whole_idle_conversations_only(tmp_path: Path) -> None:
    db = tmp_path / "ruta.db"
    store = make_store(db)
    now = time.time()
    old = privacy.pseudonym("+50233333333", KEY)
    recent = privacy.pseudonym("+50244444444", KEY)
    returning = privacy.pseudonym("+50255555555", KEY)
    save_conversation(store, old, now - 120 * DAY, now - 100 * DAY)
    n_recent = save_conversation(store, recent, now - 5 * DAY)
    n_returning = save_conversation(store, returning, now - 200 * DAY, now - 1 * DAY)

    assert privacy.purge(f"sqlite:///{db}", 90) == 1
    assert rows(db) == {recent: n_recent, returning: n_returning}  # the returning one is kept whole
    assert privacy.purge(f"sqlite:///{db}", 90) == 0
    assert privacy.purge(f"sqlite:///{db}", 3) == 1
    assert rows(db) == {returning: n_returning}
    assert privacy.purge(f"sqlite:///{db}", 0, now=now + 1) == 1
    assert rows(db) == {}


def test_purge_handles_more_conversations_than_one_delete_statement(tmp_path: Path) -> None:
    db = tmp_path / "ruta.db"
    make_store(db)
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
            [(f"p_{i}", time.time() - 365 * DAY) for i in range(1234)],
        )
    assert privacy.purge(f"sqlite:///{db}", 90) == 1234
    assert rows(db) == {}


def test_negative_days_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        privacy.purge(f"sqlite:///{tmp_path / 'x.db'}", -1)


# An unreachable database ------------------------------------------------------------------------


def test_missing_sqlite_file_is_reported_not_created(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    with pytest.raises(privacy.DatabaseUnavailable, match="RUTA_DB_URL") as info:
        privacy.purge(f"sqlite:///{db}", 90)
    assert "Nothing was deleted" in str(info.value)
    assert not db.exists()


def test_unreachable_server_is_reported_without_the_password() -> None:
    url = "postgresql://ruta:s3cret-pass@127.0.0.1:1/ruta"
    with pytest.raises(privacy.DatabaseUnavailable) as info:
        privacy.erase(url, "p_x")
    message = str(info.value)
    assert "s3cret-pass" not in message
    assert "127.0.0.1" in message and "database is running" in message


def test_invalid_url_is_reported() -> None:
    with pytest.raises(privacy.DatabaseUnavailable, match="not valid"):
        privacy.purge("not a url", 90)


# The staff command ------------------------------------------------------------------------------


def test_cli_purge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "ruta.db"
    store = make_store(db)
    save_conversation(store, "p_old", time.time() - 400 * DAY)
    save_conversation(store, "p_new", time.time())
    assert main(["privacy", "purge", "--days", "90", "--db", f"sqlite:///{db}"]) == 0
    assert "Deleted 1 conversation(s)" in capsys.readouterr().out
    assert set(rows(db)) == {"p_new"}


def test_cli_purge_with_unreachable_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["privacy", "purge", "--db", f"sqlite:///{tmp_path / 'missing.db'}"]) == 2
    assert "Check that the database is running" in capsys.readouterr().err
