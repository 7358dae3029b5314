"""Privacy: conversations are stored under a keyed pseudonym, erased on request, purged on age.

Why: a phone number in a database of people on the move is a risk for them if it leaks, so the
number never reaches Rasa's tracker store. Conversations are keyed by
``HMAC-SHA256(RUTA_PSEUDONYM_KEY, number)``: without the key nobody can turn the database back
into numbers (a plain hash could be reversed by trying every number), and with it the same
number always reaches the same conversation.

SMS and WhatsApp share a pseudonym: ``whatsapp:+50212345678`` and ``+50212345678`` are the same
person, who often switches to SMS when mobile data runs out and should keep the conversation
(and erase both with one BORRAR). Changing the key starts everyone afresh; the old
conversations can no longer be reached and are removed by ``purge`` once they age out.

The functions here work on Rasa's SQL tracker store (table ``events``: one row per event, with
``sender_id`` and a Unix ``timestamp``) through SQLAlchemy, without importing Rasa.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

logger = logging.getLogger(__name__)

PREFIX = "p_"
"""Marks pseudonymous sender ids, so a raw id in the database stands out."""

DEV_KEY = b"ruta-development-only-pseudonym-key"
MIN_KEY_BYTES = 16

KEY_HELP = (
    "Set RUTA_PSEUDONYM_KEY to a long random secret, for example the output of\n"
    '    python -c "import secrets; print(secrets.token_hex(32))"\n'
    "and keep it the same across restarts (changing it starts every conversation afresh)."
)

DbTarget = str | Engine
"""A database URL (``sqlite:///ruta.db``, ``postgresql://…``) or an engine already open on it."""

_EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("timestamp"))
_NON_ADDRESS = re.compile(r"[\s\-().]")
_CHUNK = 500  # sender ids per DELETE, below SQLite's bound-parameter limit


class PseudonymKeyError(RuntimeError):
    """RUTA_PSEUDONYM_KEY is unset or too short outside development."""


class DatabaseUnavailable(Exception):  # noqa: N818 - the name bot/__main__.py and the docs use
    """The conversation database could not be reached; the message says what to check."""


def normalise_address(address: str) -> str:
    """The number as one key for SMS and WhatsApp: prefix, spaces, dashes, dots, brackets removed."""
    address = address.strip()
    if address.lower().startswith("whatsapp:"):
        address = address[len("whatsapp:") :]
    return _NON_ADDRESS.sub("", address)


def pseudonym(address: str, key: bytes) -> str:
    """Stable pseudonymous sender id for a phone number (``p_`` + 64 hex characters)."""
    digest = hmac.new(key, normalise_address(address).encode("utf-8"), hashlib.sha256)
    return PREFIX + digest.hexdigest()


def pseudonym_key() -> bytes:
    """The HMAC key from RUTA_PSEUDONYM_KEY.

    Unset: with RUTA_DEV=1 a fixed, public development key (and a loud warning); otherwise
    ``PseudonymKeyError``, so a server never starts storing conversations under a key that
    everyone who reads this file knows.
    """
    raw = os.environ.get("RUTA_PSEUDONYM_KEY", "").strip()
    if raw:
        key = raw.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise PseudonymKeyError(
                f"RUTA_PSEUDONYM_KEY is too short ({len(key)} bytes; at least {MIN_KEY_BYTES}).\n{KEY_HELP}"
            )
        return key
    if os.environ.get("RUTA_DEV") == "1":
        logger.warning(
            "\n%s\nRUTA_PSEUDONYM_KEY is not set: using the PUBLIC development key (RUTA_DEV=1).\n"
            "Anyone can link stored conversations to phone numbers. Never use this with real people.\n%s",
            "!" * 78,
            "!" * 78,
        )
        return DEV_KEY
    raise PseudonymKeyError(f"RUTA_PSEUDONYM_KEY is not set.\n{KEY_HELP}\n(For local development only: RUTA_DEV=1.)")


def _redacted(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unreadable URL>"


def _unavailable(where: str, reason: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"Could not reach the conversation database ({where}): {reason}. "
        "Check that the database is running and that RUTA_DB_URL (or --db) points to it. "
        "Nothing was deleted."
    )


@functools.lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    parsed = sa.engine.make_url(url)
    is_file_db = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
    if is_file_db and not Path(parsed.database).is_file():
        # SQLite would silently create an empty file and report "0 deleted".
        raise _unavailable(_redacted(url), "there is no database file at that path")
    if is_file_db and "uri" not in parsed.query:
        # Read-write, never create: should the file vanish later, connecting fails instead.
        path = quote(str(Path(parsed.database).resolve()))
        parsed = parsed.set(database=f"file:{path}", query={**parsed.query, "mode": "rw", "uri": "true"})
    kwargs: dict = {}
    schema = os.environ.get("POSTGRESQL_SCHEMA")  # Rasa's own setting, honoured the same way
    if schema and parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    return sa.create_engine(parsed, **kwargs)


@contextmanager
def _transaction(db: DbTarget) -> Iterator[Connection]:
    """A transaction on ``db``, with every connection failure turned into DatabaseUnavailable."""
    where = _redacted(db) if isinstance(db, str) else _redacted(str(db.url))
    try:
        engine = _engine_for(db) if isinstance(db, str) else db
        with engine.begin() as conn:
            yield conn
    except (ArgumentError, NoSuchModuleError) as exc:
        raise _unavailable(where, f"the URL is not valid ({exc})") from exc
    except DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0][:200] if exc.orig is not None else ""
        raise _unavailable(where, detail or type(exc).__name__) from exc


def _has_events_table(conn: Connection) -> bool:
    return sa.inspect(conn).has_table("events")


def has_events(db: DbTarget, sender_id: str) -> bool:
    """True when anything is stored for ``sender_id`` (so this is not a first message)."""
    with _transaction(db) as conn:
        if not _has_events_table(conn):
            return False
        query = sa.select(_EVENTS.c.id).where(_EVENTS.c.sender_id == sender_id).limit(1)
        return conn.execute(query).first() is not None


def erase(db_url: DbTarget, sender_id: str) -> int:
    """Delete every stored event of ``sender_id``; returns the number of rows deleted.

    A database without Rasa's ``events`` table is not where the conversations are (a file
    replaced by an empty one, a wrong URL): that is ``DatabaseUnavailable``, never "0 deleted",
    so nobody is told "nothing stored" while their conversation sits elsewhere.
    """
    with _transaction(db_url) as conn:
        if not _has_events_table(conn):
            where = _redacted(db_url) if isinstance(db_url, str) else _redacted(str(db_url.url))
            raise _unavailable(where, "it has no conversations table (events): is it Ruta's database?")
        result = conn.execute(sa.delete(_EVENTS).where(_EVENTS.c.sender_id == sender_id))
        return int(result.rowcount or 0)


def purge(db_url: DbTarget, days: int, now: float | None = None) -> int:
    """Delete whole conversations whose newest event is older than ``days``; returns how many.

    A conversation is deleted whole, never in part: Rasa rebuilds a conversation from its
    events, so cutting its beginning off would corrupt an active one.
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    cutoff = (time.time() if now is None else now) - days * 86400
    with _transaction(db_url) as conn:
        if not _has_events_table(conn):
            return 0
        newest = sa.func.max(_EVENTS.c.timestamp)
        stale = sa.select(_EVENTS.c.sender_id).group_by(_EVENTS.c.sender_id).having(newest < cutoff)
        sender_ids = [row[0] for row in conn.execute(stale)]
        for start in range(0, len(sender_ids), _CHUNK):
            chunk = sender_ids[start : start + _CHUNK]
            conn.execute(sa.delete(_EVENTS).where(_EVENTS.c.sender_id.in_(chunk)))
    if sender_ids:
        logger.info("Purged %d conversation(s) idle for more than %d day(s).", len(sender_ids), days)
    return len(sender_ids)
