"""Pages of a long SMS reply, kept until the person asks for the next one ("1 sigue").

Why in the tracker's SQL database: several Rasa servers share one number, and the "1" that
asks for page 2 may reach a different server than the question did. The conversation's
database is the one thing they all share, so the pages live there (table ``ruta_sms_pages``),
keyed by the pseudonymous sender id, never the number. A row expires after ``TTL_SECONDS``;
BORRAR erases it with the rest of the conversation; any other message replaces it. Pages hold
only Ruta's own text, already fitted to SMS.

A Rasa server without a SQL tracker store (``rasa run`` in development keeps conversations in
memory) keeps pages in memory too (``MemoryPages``): one process, like its conversations.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

TABLE = "ruta_sms_pages"
TTL_SECONDS = 24 * 3600
"""A day: long enough to come back after losing signal; after it, "1" is an ordinary menu choice."""

_METADATA = sa.MetaData()
_PAGES = sa.Table(
    TABLE,
    _METADATA,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("pages", sa.Text, nullable=False),  # JSON list of the pages still to send
    sa.Column("position", sa.Integer, nullable=False),  # index of the next page to send
    sa.Column("expires_at", sa.Float, nullable=False),  # Unix time
)


class Pages(Protocol):
    """Where the pages of one sender's last paged reply wait."""

    def save(self, sender_id: str, pages: list[str], now: float | None = None) -> None:
        """Keep ``pages`` (to send in order) for ``sender_id``; an empty list clears them."""

    def next(self, sender_id: str, now: float | None = None) -> str | None:
        """The next page, removing it; None when there is none (or they expired)."""

    def erase(self, sender_id: str) -> int:
        """Remove the sender's pages; returns how many rows (0 or 1) were removed."""


@functools.lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return sa.create_engine(url)


class SqlPages:
    """Pages in a SQL database (SQLite or PostgreSQL), shared by every server that uses it."""

    def __init__(self, target: str | Engine, ttl: float = TTL_SECONDS):
        self.engine = _engine_for(target) if isinstance(target, str) else target
        self.ttl = ttl

    def _ready(self) -> None:
        """Create the table once per engine; another server creating it at the same moment is fine."""
        if getattr(self.engine, "_ruta_sms_pages", False):
            return
        try:
            _PAGES.create(self.engine, checkfirst=True)
        except sa.exc.DBAPIError:
            if not sa.inspect(self.engine).has_table(TABLE):
                raise
        self.engine._ruta_sms_pages = True  # type: ignore[attr-defined]

    def save(self, sender_id: str, pages: list[str], now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._ready()
        with self.engine.begin() as conn:
            conn.execute(sa.delete(_PAGES).where(sa.or_(_PAGES.c.sender_id == sender_id, _PAGES.c.expires_at < now)))
            if pages:
                conn.execute(
                    sa.insert(_PAGES).values(
                        sender_id=sender_id,
                        pages=json.dumps(pages, ensure_ascii=False),
                        position=0,
                        expires_at=now + self.ttl,
                    )
                )

    def next(self, sender_id: str, now: float | None = None) -> str | None:
        now = time.time() if now is None else now
        self._ready()
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(_PAGES.c.pages, _PAGES.c.position, _PAGES.c.expires_at).where(_PAGES.c.sender_id == sender_id)
            ).first()
            if row is None:
                return None
            pages, position = json.loads(row.pages), int(row.position)
            mine = sa.and_(_PAGES.c.sender_id == sender_id, _PAGES.c.position == position)
            if row.expires_at < now or position >= len(pages):
                conn.execute(sa.delete(_PAGES).where(mine))
                return None
            if position + 1 >= len(pages):
                done = conn.execute(sa.delete(_PAGES).where(mine))
            else:
                done = conn.execute(sa.update(_PAGES).where(mine).values(position=position + 1))
            # 0 rows: another server sent this page at the same moment; this request is ordinary
            return str(pages[position]) if done.rowcount else None

    def erase(self, sender_id: str) -> int:
        with self.engine.begin() as conn:
            if not sa.inspect(conn).has_table(TABLE):
                return 0
            return int(conn.execute(sa.delete(_PAGES).where(_PAGES.c.sender_id == sender_id)).rowcount or 0)


class MemoryPages:
    """Pages in this process, for a server whose conversations are in memory too."""

    def __init__(self, ttl: float = TTL_SECONDS):
        self.ttl = ttl
        self._pages: dict[str, tuple[list[str], float]] = {}
        self._lock = threading.Lock()

    def save(self, sender_id: str, pages: list[str], now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            self._pages = {k: v for k, v in self._pages.items() if v[1] >= now and k != sender_id}
            if pages:
                self._pages[sender_id] = (list(pages), now + self.ttl)

    def next(self, sender_id: str, now: float | None = None) -> str | None:
        now = time.time() if now is None else now
        with self._lock:
            pages, expires = self._pages.pop(sender_id, ([], 0.0))
            if not pages or expires < now:
                return None
            if len(pages) > 1:
                self._pages[sender_id] = (pages[1:], expires)
            return pages[0]

    def erase(self, sender_id: str) -> int:
        with self._lock:
            return 1 if self._pages.pop(sender_id, None) is not None else 0
