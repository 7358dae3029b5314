"""MessageSid replay record: in memory, in a real SQLite database, in a real Redis (when started)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from pathlib import Path

import pytest

from bot import replay

KEY = b"test-pseudonym-key-0123456789"


def test_memory_record_is_bounded_and_expires() -> None:
    record = replay.MemoryRecord(size=2, lifetime=10)
    assert record.first_time("a", now=0) and not record.first_time("a", now=5)
    assert record.first_time("a", now=11)  # expired
    assert record.first_time("b", now=12) and record.first_time("c", now=12)
    assert record.first_time("a", now=12)  # pushed out by b and c: the record stays small


def test_sql_record_is_shared_expires_and_keeps_no_sid(tmp_path: Path) -> None:
    db = tmp_path / "ruta.db"
    sqlite3.connect(db).close()
    url = f"sqlite:///{db}"
    first, second = replay.SQLRecord(lifetime=10), replay.SQLRecord(lifetime=10)  # two servers
    key = replay.digest("SM" + "1" * 32, KEY)
    assert first.first_time(url, key, now=100.0)
    assert not second.first_time(url, key, now=101.0)
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select digest from ruta_message_sids").fetchall()
    assert stored == [(key,)] and "SM" not in key
    second._pruned = -replay.PRUNE_EVERY  # due: the next insert prunes rows older than the lifetime
    assert second.first_time(url, replay.digest("SM-other", KEY), now=200.0)
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from ruta_message_sids").fetchone()[0] == 1


def test_guard_answers_once_and_still_answers_when_the_store_is_down(tmp_path: Path) -> None:
    db = tmp_path / "ruta.db"
    sqlite3.connect(db).close()
    guard = replay.ReplayGuard(KEY)
    sid = "SM" + uuid.uuid4().hex
    assert asyncio.run(guard.first_time(sid, f"sqlite:///{db}"))
    assert not asyncio.run(guard.first_time(sid, f"sqlite:///{db}"))
    # another process (fresh memory) sees the SQL record
    assert not asyncio.run(replay.ReplayGuard(KEY).first_time(sid, f"sqlite:///{db}"))
    gone = f"sqlite:///{tmp_path / 'missing.db'}"
    other = "SM" + uuid.uuid4().hex
    assert asyncio.run(guard.first_time(other, gone))  # store down: processed, not silenced
    assert not asyncio.run(guard.first_time(other, gone))  # this process still remembers it
    assert asyncio.run(guard.first_time("", gone))  # no MessageSid (hand-made request): processed


REDIS = os.environ.get("RUTA_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS, reason="Redis not started (run `make test`)")
def test_redis_record_is_shared_and_expiring() -> None:
    assert REDIS
    sid = "SM" + uuid.uuid4().hex
    assert asyncio.run(replay.ReplayGuard(KEY, REDIS).first_time(sid, None))
    assert not asyncio.run(replay.ReplayGuard(KEY, REDIS).first_time(sid, None))
    record = replay.RedisRecord(REDIS)
    ttl = record._client.ttl(replay.REDIS_PREFIX + replay.digest(sid, KEY))
    assert 0 < ttl <= replay.LIFETIME_SECONDS
