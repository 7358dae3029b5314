"""Conversations through a database outage: kept, served from memory, written back, erasable.

A real SQLite file opened the way bot/rasa/runtime.py configures it (read-write, never created), moved
away to make the outage, wrapped in Rasa's own FailSafeTrackerStore as Rasa wraps it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from bot.rasa.runtime import check_sqlite_file, tracker_store
from bot.rasa.tracker_store import RutaSQLTrackerStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ruta.db"
    check_sqlite_file(f"sqlite:///{path}", create=True)
    return path


def make_store(db: Path, **options: object) -> RutaSQLTrackerStore:
    section = tracker_store(f"sqlite:///{db}")
    assert section["type"] == "bot.rasa.tracker_store.RutaSQLTrackerStore"
    kwargs = {"retry_every": 0.2, **{k: v for k, v in section.items() if k != "type"}, **options}
    return RutaSQLTrackerStore(domain=Domain.empty(), **kwargs)


def texts(db: Path, sender: str) -> list[str]:
    import json

    with sqlite3.connect(db) as conn:
        rows = conn.execute("select data from events where sender_id = ? order by id", (sender,)).fetchall()
    return [json.loads(r[0]).get("text") for r in rows if json.loads(r[0]).get("event") in ("user", "bot")]


async def say(store: FailSafeTrackerStore, sender: str, text: str) -> None:
    """One turn as Rasa takes it: retrieve (or create), add events, save."""
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(UserUttered(text))
    tracker.update(BotUttered(f"re: {text}"))
    await store.save(tracker)


def test_turns_during_an_outage_are_served_from_memory_and_written_back(db: Path) -> None:
    inner = make_store(db)
    store = FailSafeTrackerStore(inner)

    async def scenario() -> None:
        await say(store, "a", "before")
        db.rename(db.with_suffix(".moved"))
        await say(store, "a", "during 1")
        await say(store, "a", "during 2")
        kept = await store.retrieve("a")
        assert kept is not None and [e.text for e in kept.events if isinstance(e, UserUttered)] == [
            "during 1",
            "during 2",
        ], "the conversation goes on from memory while the database is away"
        assert inner.pending == 1 and not db.exists()
        db.with_suffix(".moved").rename(db)
        for _ in range(50):
            if not inner.pending:
                break
            await asyncio.sleep(0.1)
        assert inner.pending == 0

    asyncio.run(scenario())
    assert texts(db, "a") == ["before", "re: before", "during 1", "re: during 1", "during 2", "re: during 2"]


def test_the_next_message_writes_back_first_and_nothing_is_written_twice(db: Path) -> None:
    inner = make_store(db, retry_every=3600)  # no background retry: the next message does it
    store = FailSafeTrackerStore(inner)

    async def scenario() -> None:
        await say(store, "a", "one")
        db.rename(db.with_suffix(".moved"))
        await say(store, "a", "two")
        db.with_suffix(".moved").rename(db)
        await say(store, "a", "three")

    asyncio.run(scenario())
    assert texts(db, "a") == ["one", "re: one", "two", "re: two", "three", "re: three"]


def test_erasure_reaches_a_conversation_kept_in_memory(db: Path) -> None:
    inner = make_store(db, retry_every=0.1)
    store = FailSafeTrackerStore(inner)

    async def scenario() -> None:
        db.rename(db.with_suffix(".moved"))
        await say(store, "a", "secret")
        assert inner.forget("a") > 0 and inner.forget("a") == 0
        db.with_suffix(".moved").rename(db)
        await asyncio.sleep(0.5)

    asyncio.run(scenario())
    assert texts(db, "a") == []


def test_memory_is_bounded(db: Path) -> None:
    inner = make_store(db, max_pending=2, retry_every=3600)
    store = FailSafeTrackerStore(inner)

    async def scenario() -> None:
        db.rename(db.with_suffix(".moved"))
        for sender in ("a", "b", "c"):
            await say(store, sender, "hola")

    asyncio.run(scenario())
    assert inner.pending == 2 and "a" not in inner._pending


def test_a_vanished_file_is_an_error_not_a_new_empty_database(db: Path) -> None:
    inner = make_store(db)
    db.unlink()
    with pytest.raises(Exception, match="unable to open database file"):
        asyncio.run(inner.retrieve("a"))
    assert not db.exists()
