"""Write the effective Rasa endpoint and credential files for this run, from the environment.

Rasa's SQLTrackerStore takes dialect/host/port/db/user/password separately; operators think in
one URL (``RUTA_DB_URL=postgresql://ruta:secret@db:5432/ruta``). This turns the URL into Rasa's
configuration for ``bot.rasa.tracker_store.RutaSQLTrackerStore`` (Rasa's SQLTrackerStore that keeps
conversations through a database outage and writes them back), adds Rasa's RedisLockStore (with
the atomic ticket updates of ``bot.rasa.locks``) when ``RUTA_REDIS_URL`` is set (several Rasa servers
behind one number), registers Ruta's REST channel (limits, fallback, erasure) and enables the
Twilio channel only when it can run safely (a token, or an explicit development flag).

A SQLite file is opened read-write only (``mode=rw``): if it vanishes while Ruta runs, SQLite
reports an error instead of quietly creating an empty database (where BORRAR would find
"nothing to erase" while the conversations sit in the real file). At start, a missing file is
created only at the default path or with ``--create-db``; a missing file at a configured
``RUTA_DB_URL`` is an error (a volume not mounted, a wrong path).

The files written hold database and Redis passwords and the action-server token: they are
readable by their owner only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from sqlalchemy.engine import make_url

from bot.config import ROOT, Settings
from bot.rasa.action_server import TOKEN_ENV as ACTION_TOKEN_ENV
from bot.rasa.action_server import TOKEN_HEADER as ACTION_TOKEN_HEADER

TRACKER_STORE = "bot.rasa.tracker_store.RutaSQLTrackerStore"
PG_CONNECT_TIMEOUT = 5
"""Seconds to wait for PostgreSQL to accept a connection: a database that does not answer must
not hold Rasa's event loop (and everyone's replies) for the operating system's TCP timeout."""


class DatabaseFileMissing(Exception):  # noqa: N818 - what the operator reads
    """The configured SQLite file does not exist (or is empty)."""


def sqlite_path(db_url: str) -> Path | None:
    """The file of a SQLite URL (absolute), or None for other databases and in-memory SQLite."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().resolve()


def tracker_store(db_url: str) -> dict[str, Any]:
    """The ``tracker_store`` section for a SQLAlchemy URL (sqlite or postgresql)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(db_url) or (ROOT / "ruta.db")
        # SQLite URI filename: read-write, never create (see the module docstring).
        query = {"mode": "rw", "uri": "true"}
        return {"type": TRACKER_STORE, "dialect": "sqlite", "db": f"file:{quote(str(path))}", "query": query}
    section: dict[str, Any] = {
        "type": TRACKER_STORE,
        "dialect": url.drivername,
        "url": url.host or "localhost",
        "db": url.database,
    }
    query = dict(url.query)
    if url.get_backend_name() == "postgresql":
        query.setdefault("connect_timeout", str(PG_CONNECT_TIMEOUT))
    if query:
        section["query"] = query
    if url.port:
        section["port"] = url.port
    if url.username:
        section["username"] = url.username
    if url.password:
        section["password"] = url.password
    return section


def lock_store(redis_url: str) -> dict[str, Any]:
    """Lock store section for ``redis://host:port/db``: Rasa's RedisLockStore with atomic ticket
    updates (``bot.rasa.locks``), so several Rasa servers can serve one sender without losing messages."""
    url = make_url(redis_url)
    section: dict[str, Any] = {
        "type": "bot.rasa.locks.AtomicRedisLockStore",
        "url": url.host or "localhost",
        "port": url.port or 6379,
    }
    if url.database:
        section["db"] = int(url.database)
    if url.password:
        section["password"] = url.password
    return section


def endpoints(settings: Settings) -> dict[str, Any]:
    action_endpoint: dict[str, Any] = {
        "url": os.environ.get("RUTA_ACTION_URL", "http://localhost:5055/webhook"),
        # Ruta's actions never read the domain: don't serialise it into every action call.
        "enable_selective_domain": True,
    }
    action_token = os.environ.get(ACTION_TOKEN_ENV, "").strip()
    if action_token:  # bot.rasa.action_server refuses calls without it
        action_endpoint["headers"] = {ACTION_TOKEN_HEADER: action_token}
    config: dict[str, Any] = {
        "action_endpoint": action_endpoint,
        "tracker_store": tracker_store(settings.tracker_db_url),
    }
    redis_url = os.environ.get("RUTA_REDIS_URL")
    if redis_url:
        config["lock_store"] = lock_store(redis_url)
    return config


def credentials() -> dict[str, Any]:
    config: dict[str, Any] = {"bot.rasa.channels.rest.RestChannel": {}}
    if os.environ.get("TWILIO_AUTH_TOKEN") or os.environ.get("RUTA_DEV") == "1":
        config["bot.rasa.channels.twilio.TwilioChannel"] = {"public_url": os.environ.get("RUTA_PUBLIC_URL", "")}
    else:
        print(
            "Twilio channel off: set TWILIO_AUTH_TOKEN (or RUTA_DEV=1 for unsigned local tests) to enable it.",
            file=sys.stderr,
        )
    return config


def wait_for_database(db_url: str, timeout: float, every: float = 5.0) -> bool:
    """Wait until the tracker database answers; True when it does within ``timeout`` seconds.

    Rasa creates its ``events`` table only at start-up: started against a database that is down,
    it would serve from memory and never create the table. So the launcher waits here, saying
    what it waits for, and starts Rasa once the database is back.
    """
    import time

    from sqlalchemy import create_engine, text

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return True  # a file: check_sqlite_file says whether it is there
    shown = url.render_as_string(hide_password=True)
    deadline = time.monotonic() + timeout
    engine = create_engine(url, connect_args={"connect_timeout": 3}, pool_pre_ping=True)
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(text("select 1"))
                return True
            except Exception as exc:  # the driver's error class varies; all mean "not yet"
                if time.monotonic() >= deadline:
                    print(f"The tracker database {shown} did not answer ({type(exc).__name__}).", file=sys.stderr)
                    return False
                print(f"Waiting for the tracker database {shown} (is it running?)", file=sys.stderr)
                time.sleep(every)
    finally:
        engine.dispose()


def check_sqlite_file(db_url: str, create: bool) -> str | None:
    """Make sure a SQLite tracker file is there; a message for the operator when it was created.

    Missing or empty (no ``events`` table) at a configured path: ``DatabaseFileMissing``, unless
    ``create`` (``--create-db``, or the default path, where a first run must just work). Creating
    makes Rasa's ``events`` table, so the file is never "empty" afterwards.
    """
    path = sqlite_path(db_url)
    if path is None:
        return None
    if path.is_file() and _has_events_table(path):
        return None
    default = path == (ROOT / "ruta.db").resolve() and "RUTA_DB_URL" not in os.environ
    state = "is empty (no conversations table)" if path.is_file() else "does not exist"
    if not (create or default):
        raise DatabaseFileMissing(
            f"The conversation database {path} {state}. If the file was moved or a volume is not "
            "mounted, put it back: starting on a new empty file would hide every stored conversation "
            "(and BORRAR would find nothing to erase). For a new installation, create it once with\n"
            "    .venv/bin/python -m bot.rasa.runtime --create-db"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    from rasa.core.tracker_store import SQLTrackerStore
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    try:
        SQLTrackerStore.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    os.chmod(path, 0o600)
    return f"Created a new, empty conversation database at {path}."


def _has_events_table(path: Path) -> bool:
    import sqlite3
    from contextlib import closing

    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            query = "select 1 from sqlite_master where type = 'table' and name = 'events'"
            return conn.execute(query).fetchone() is not None
    except sqlite3.Error:
        return False


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read (it may hold passwords and tokens)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # a file created earlier with wider permissions


def write(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(out_dir, 0o700)
    settings = Settings.from_env()
    _write_private(out_dir / "endpoints.yml", yaml.safe_dump(endpoints(settings), sort_keys=False))
    _write_private(out_dir / "credentials.yml", yaml.safe_dump(credentials(), sort_keys=False))


def main(argv: list[str]) -> int:
    """``python -m bot.rasa.runtime [--create-db] [--wait-db SECONDS] [DIR]``.

    Writes the files to DIR (default ``.run``); ``--wait-db`` waits for the database first;
    ``--create-db`` creates a missing SQLite file (alone, it only does that).
    """
    create = "--create-db" in argv
    argv = [a for a in argv if a != "--create-db"]
    db_url = Settings.from_env().tracker_db_url
    try:
        created = check_sqlite_file(db_url, create)
    except DatabaseFileMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    if created:
        print(created, file=sys.stderr)
    if create and not argv:
        return 0
    if argv[:1] == ["--wait-db"]:
        seconds = float(argv[1]) if len(argv) > 1 else 300.0
        if not wait_for_database(db_url, seconds):
            return 1
        argv = argv[2:]
    write(Path(argv[0]) if argv else ROOT / ".run")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
