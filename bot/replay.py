"""Each Twilio message is processed once: a bounded, expiring record of the MessageSids seen.

Why: a Twilio signature has no timestamp, so a request captured once (a proxy log, a retry)
is valid forever; replayed, the same message was processed again, even after the person had
erased the conversation with BORRAR. Every signed request carries Twilio's ``MessageSid``;
the first request with a given one is processed, any later one gets an empty TwiML answer.

Where the record lives: in Redis when ``RUTA_REDIS_URL`` is set (``SET NX EX``: atomic and
expiring by itself), otherwise in the tracker database (table ``ruta_message_sids``, rows
older than the lifetime deleted as new ones come in), so several Rasa servers or Sanic workers
share it either way. A small in-process record backs both up: while the shared store cannot be
reached, replays reaching the same process are still caught and messages are still answered
(failing closed would silence everyone during a database outage).

What is kept: an HMAC of the MessageSid under the pseudonym key (a Twilio log cannot be joined
to it without the key) and the time it was seen; no sender, no text.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot import privacy

logger = logging.getLogger(__name__)

LIFETIME_SECONDS = 7 * 24 * 3600
"""How long a MessageSid is remembered. Twilio retries within seconds; a week covers any replay
of a captured request that is not much older, and bounds the record (messages per week)."""
MEMORY_ENTRIES = 50_000
"""In-process record: the most recent MessageSids, whatever the shared store says."""
TIMEOUT = 1.0
"""Seconds allowed for the shared store (an insert); slower means 'unknown' and the message is
processed: the person's reply must still fit in Twilio's budget."""
PRUNE_EVERY = 600.0
"""Seconds between deletions of expired rows in the SQL record."""
REDIS_PREFIX = "ruta:message_sid:"

_TABLE = sa.Table(
    "ruta_message_sids",
    sa.MetaData(),
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("seen_at", sa.Float, nullable=False, index=True),
)


def digest(message_sid: str, key: bytes) -> str:
    """What is stored for a MessageSid: HMAC-SHA256 under the pseudonym key, hex."""
    return hmac.new(key, message_sid.encode("utf-8"), hashlib.sha256).hexdigest()


class MemoryRecord:
    """The most recent ``size`` digests of this process, each forgotten after ``lifetime`` seconds."""

    def __init__(self, size: int = MEMORY_ENTRIES, lifetime: float = LIFETIME_SECONDS) -> None:
        self.size, self.lifetime = size, lifetime
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str, now: float) -> bool:
        seen = self._seen.get(key)
        if seen is not None and now - seen < self.lifetime:
            return False
        self._seen[key] = now
        self._seen.move_to_end(key)
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class SQLRecord:
    """The shared record in a SQL database (the tracker store's own)."""

    def __init__(self, lifetime: float = LIFETIME_SECONDS) -> None:
        self.lifetime = lifetime
        self._ready: set[int] = set()
        self._pruned = 0.0

    def first_time(self, target: privacy.DbTarget, key: str, now: float) -> bool:
        engine = target if isinstance(target, Engine) else privacy._engine_for(target)
        if id(engine) not in self._ready:
            _TABLE.metadata.create_all(engine, checkfirst=True)
            self._ready.add(id(engine))
        try:
            with engine.begin() as conn:
                conn.execute(_TABLE.insert().values(digest=key, seen_at=now))
        except IntegrityError:
            return False
        if now - self._pruned > PRUNE_EVERY:
            self._pruned = now
            with engine.begin() as conn:
                conn.execute(_TABLE.delete().where(_TABLE.c.seen_at < now - self.lifetime))
        return True


class RedisRecord:
    """The shared record in Redis: one expiring key per MessageSid."""

    def __init__(self, redis_url: str, lifetime: float = LIFETIME_SECONDS) -> None:
        import redis

        self.lifetime = int(lifetime)
        self._client = redis.Redis.from_url(redis_url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)

    def first_time(self, key: str) -> bool:
        return bool(self._client.set(REDIS_PREFIX + key, b"1", nx=True, ex=self.lifetime))


class ReplayGuard:
    """``await guard.first_time(message_sid, sql_target)``: True the first time a MessageSid is seen."""

    def __init__(self, key: bytes, redis_url: str | None = None, lifetime: float = LIFETIME_SECONDS) -> None:
        self._key = key
        self._memory = MemoryRecord(lifetime=lifetime)
        self._redis = RedisRecord(redis_url, lifetime) if redis_url else None
        self._sql = SQLRecord(lifetime)

    async def first_time(self, message_sid: str, sql_target: privacy.DbTarget | None) -> bool:
        """True when this MessageSid was not seen before (or nothing can tell); False for a replay."""
        if not message_sid:
            return True  # not from Twilio's API (a hand-made development request)
        key = digest(message_sid, self._key)
        now = time.time()
        in_memory = self._memory.first_time(key, now)
        try:
            shared = await asyncio.wait_for(asyncio.to_thread(self._shared, key, now, sql_target), timeout=TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - the store is down: this process's record decides
            logger.warning("replay: MessageSid record unavailable (%s); using this process's.", type(exc).__name__)
            return in_memory
        return in_memory and shared

    def _shared(self, key: str, now: float, sql_target: Any) -> bool:
        if self._redis is not None:
            return self._redis.first_time(key)
        if sql_target is None:
            return True  # an in-memory tracker store (development): the process's record is all there is
        return self._sql.first_time(sql_target, key, now)
