"""The atomic lock store against a real Redis: tickets from many clients never collide."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from rasa.core.lock_store import RedisLockStore
from sqlalchemy.engine import make_url

from bot.rasa.locks import AtomicRedisLockStore

REDIS = os.environ.get("RUTA_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS, reason="Redis not started (run `make test`)")


def _stores(cls: type, n: int) -> list[RedisLockStore]:
    assert REDIS
    url = make_url(REDIS)
    return [cls(host=url.host, port=url.port, db=int(url.database or 0)) for _ in range(n)]


def _race(stores: list[RedisLockStore], per_thread: int = 50) -> tuple[list[int], RedisLockStore]:
    conversation = f"race-{uuid.uuid4().hex[:8]}"
    tickets: list[int] = []
    guard = threading.Lock()
    start = threading.Barrier(len(stores))

    def take(store: RedisLockStore) -> None:
        start.wait()
        for _ in range(per_thread):
            ticket = store.issue_ticket(conversation, 60)
            with guard:
                tickets.append(ticket)

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lock = stores[0].get_lock(conversation)
    assert lock is not None
    stores[0].delete_lock(conversation)
    return tickets, lock  # type: ignore[return-value]


def test_concurrent_tickets_are_unique_and_all_kept() -> None:
    tickets, lock = _race(_stores(AtomicRedisLockStore, 4))
    assert len(tickets) == len(set(tickets)) == 200
    assert len(lock.tickets) == 200


def test_finishing_the_last_ticket_removes_the_key() -> None:
    store = _stores(AtomicRedisLockStore, 1)[0]
    conversation = f"cleanup-{uuid.uuid4().hex[:8]}"
    first = store.issue_ticket(conversation, 60)
    second = store.issue_ticket(conversation, 60)
    store.cleanup(conversation, first)
    lock = store.get_lock(conversation)
    assert lock is not None and not lock.is_locked(second)
    store.cleanup(conversation, second)
    assert store.get_lock(conversation) is None


def test_rasas_own_store_loses_tickets_under_the_same_race() -> None:
    """Why bot.rasa.locks exists: the same race against Rasa's RedisLockStore overwrites tickets."""
    lost = 0
    for _ in range(3):
        tickets, lock = _race(_stores(RedisLockStore, 4))
        lost += 200 - len(lock.tickets)
    assert lost > 0
