"""Rasa's SQLTrackerStore, keeping what it could not write while the database was down, then writing it back.

Why: when the database is unreachable, Rasa's ``FailSafeTrackerStore`` saves the conversation
into an in-memory store that nothing ever reads again, writes back, erases or purges: the turns
are lost for the conversation, and a BORRAR cannot reach them. This subclass (configured by
``bot/rasa/runtime.py`` as the tracker store; everything else is Rasa's) instead:

- on a failed save, keeps the conversation in memory (serialised, at most ``max_pending``
  conversations, the oldest dropped first, with an error in the log);
- serves that conversation from memory while the database stays down, so the person's menu
  choices and country still work;
- writes the kept events back as soon as the database answers again: at that conversation's
  next message, and every ``retry_every`` seconds in the background;
- lets ``bot.rasa.erasure`` drop a kept conversation (``forget``), so an erasure reaches it too.

Only events newer than the newest one stored for the sender are written back, so nothing is
written twice; if another server stored newer events in between, the kept ones are dropped (and
logged) rather than written out of order.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

MAX_PENDING = 2000
"""Conversations kept in memory during an outage; beyond that the oldest is dropped (and logged)."""
RETRY_EVERY = 5.0
"""Seconds between background attempts to write kept conversations back."""

_DATABASE_ERRORS = (SQLAlchemyError, OSError)


class RutaSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that keeps unsaved conversations through a database outage and writes them back."""

    def __init__(
        self,
        *args: Any,
        max_pending: int = MAX_PENDING,
        retry_every: float = RETRY_EVERY,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_pending = int(max_pending)
        self.retry_every = float(retry_every)
        self._pending: OrderedDict[str, str] = OrderedDict()  # sender id -> serialised tracker
        self._retry: asyncio.Task | None = None

    # What Rasa calls ------------------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if sender_id in self._pending and not self._write_back(sender_id):
            return self.deserialise_tracker(sender_id, self._pending[sender_id])
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        if sender_id in self._pending and not self._write_back(sender_id):
            self._hold(tracker)
            return
        try:
            await super().save(tracker)
        except _DATABASE_ERRORS as exc:
            logger.error(
                "Could not save a conversation (%s); keeping it in memory until the database answers again.",
                type(exc).__name__,
            )
            self._hold(tracker)

    # What Ruta calls ------------------------------------------------------------------------

    def forget(self, sender_id: str) -> int:
        """Drop a conversation kept in memory (erasure); the number of events dropped."""
        serialised = self._pending.pop(sender_id, None)
        if serialised is None:
            return 0
        return len(json.loads(serialised).get("events") or [])

    @property
    def pending(self) -> int:
        """How many conversations are waiting to be written back."""
        return len(self._pending)

    # Inside -------------------------------------------------------------------------------------

    def _hold(self, tracker: DialogueStateTracker) -> None:
        self._pending[tracker.sender_id] = self.serialise_tracker(tracker)
        self._pending.move_to_end(tracker.sender_id)
        while len(self._pending) > self.max_pending:
            self._pending.popitem(last=False)
            logger.error(
                "More than %d conversations waiting for the database: dropped the oldest one (not saved).",
                self.max_pending,
            )
        self._start_retrying()

    def _write_back(self, sender_id: str) -> bool:
        """Write the kept events of ``sender_id`` that the database lacks; True when none is left kept."""
        serialised = self._pending.get(sender_id)
        if serialised is None:
            return True
        tracker = self.deserialise_tracker(sender_id, serialised)
        try:
            with self.session_scope() as session:
                newest = (
                    session.query(sa.func.max(self.SQLEvent.timestamp))
                    .filter(self.SQLEvent.sender_id == sender_id)
                    .scalar()
                )
                events = [e for e in tracker.events if newest is None or (e.timestamp or 0) > newest]
                if not _continues(tracker, newest):
                    logger.error(
                        "A conversation kept during the outage was changed elsewhere meanwhile; "
                        "%d kept event(s) dropped rather than written out of order.",
                        len(events),
                    )
                    events = []
                for event in events:
                    session.add(self._row(sender_id, event))
                session.commit()
        except _DATABASE_ERRORS:
            return False
        self._pending.pop(sender_id, None)
        if events:
            logger.info("Wrote back %d event(s) kept in memory while the database was unavailable.", len(events))
        return True

    def _row(self, sender_id: str, event: Any) -> Any:
        """A row of Rasa's ``events`` table, exactly as ``SQLTrackerStore.save`` writes it."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    def _start_retrying(self) -> None:
        if self._retry is not None and not self._retry.done():
            return
        try:
            self._retry = asyncio.get_running_loop().create_task(self._retry_until_empty())
        except RuntimeError:  # no running loop (called from a script): the next save retries
            self._retry = None

    async def _retry_until_empty(self) -> None:
        while self._pending:
            await asyncio.sleep(self.retry_every)
            for sender_id in list(self._pending):
                if not self._write_back(sender_id):
                    break  # still down: try again later


def _continues(tracker: DialogueStateTracker, newest: float | None) -> bool:
    """True when the kept tracker continues what is stored: nothing stored yet, everything stored
    is older than the tracker (a conversation started during the outage), or the newest stored
    event is one of the tracker's own. False when another server stored newer events meanwhile."""
    stamps = [e.timestamp for e in tracker.events]
    return newest is None or not stamps or newest < stamps[0] or newest in stamps
