"""Rasa's RedisLockStore, with its ticket updates made atomic.

Why this exists: Rasa 3.6's ``RedisLockStore`` issues, removes and expires tickets by reading the
lock from Redis, changing it in Python and writing it back. Two Rasa servers taking tickets for
the same sender at the same moment can both read the old lock; one ticket is overwritten, both
servers believe it is their turn, and one message's events are lost (Ruta's test of 20
concurrent messages across two servers showed exactly that). Rasa later added a concurrent lock
store to its commercial edition only (RasaHQ/rasa#11256).

This subclass keeps everything of Rasa's lock store — the ticket lock, its format in Redis, the
waiting loop — and only wraps each read-modify-write in a Redis optimistic transaction
(WATCH/MULTI/EXEC, retried on conflict). Configure it in endpoints.yml as
``lock_store: {type: bot.rasa.locks.AtomicRedisLockStore, url: ..., port: ..., db: ...}``;
``bot/rasa/runtime.py`` does that when ``RUTA_REDIS_URL`` is set.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError

logger = logging.getLogger(__name__)
T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """A RedisLockStore whose ticket changes cannot overwrite each other across servers."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _transact(self, conversation_id: str, change: Callable[[TicketLock], T], create: bool = True) -> T | None:
        """Apply ``change`` to the stored lock atomically; delete the key when no ticket is left."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw:
                        lock = TicketLock.from_dict(json.loads(raw))
                    elif create:
                        lock = self.create_lock(conversation_id)
                    else:
                        pipe.unwatch()
                        return None
                    result = change(lock)
                    pipe.multi()
                    if lock.tickets:
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except WatchError:  # another server changed the lock first: read it again
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            ticket = self._transact(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc
        assert ticket is not None
        return ticket

    def update_lock(self, conversation_id: str) -> None:
        self._transact(conversation_id, lambda lock: lock.remove_expired_tickets(), create=False)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._transact(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number), create=False)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the finished ticket; the key goes in the same transaction once nobody waits
        (Rasa's version checks and deletes in two steps, which can delete a newcomer's ticket)."""
        self.finish_serving(conversation_id, ticket_number)
