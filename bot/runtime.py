"""Write the effective Rasa endpoint and credential files for this run, from the environment.

Rasa's SQLTrackerStore takes dialect/host/port/db/user/password separately; operators think in
one URL (``RUTA_DB_URL=postgresql://ruta:secret@db:5432/ruta``). This turns the URL into Rasa's
own configuration (no custom tracker store), adds Rasa's RedisLockStore (with the atomic ticket
updates of ``bot.locks``) when ``RUTA_REDIS_URL`` is set (several Rasa servers behind one
number), and enables the Twilio channel only when it can run safely (a token, or an explicit
development flag).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from bot.config import ROOT, Settings


def tracker_store(db_url: str) -> dict[str, Any]:
    """Rasa's ``tracker_store`` section for a SQLAlchemy URL (sqlite or postgresql)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": url.database or str(ROOT / "ruta.db")}
    section: dict[str, Any] = {
        "type": "SQL",
        "dialect": url.drivername,
        "url": url.host or "localhost",
        "db": url.database,
    }
    if url.port:
        section["port"] = url.port
    if url.username:
        section["username"] = url.username
    if url.password:
        section["password"] = url.password
    return section


def lock_store(redis_url: str) -> dict[str, Any]:
    """Lock store section for ``redis://host:port/db``: Rasa's RedisLockStore with atomic ticket
    updates (``bot.locks``), so several Rasa servers can serve one sender without losing messages."""
    url = make_url(redis_url)
    section: dict[str, Any] = {
        "type": "bot.locks.AtomicRedisLockStore",
        "url": url.host or "localhost",
        "port": url.port or 6379,
    }
    if url.database:
        section["db"] = int(url.database)
    if url.password:
        section["password"] = url.password
    return section


def endpoints(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        # Ruta's actions never read the domain: don't serialise it into every action call.
        "action_endpoint": {
            "url": os.environ.get("RUTA_ACTION_URL", "http://localhost:5055/webhook"),
            "enable_selective_domain": True,
        },
        "tracker_store": tracker_store(settings.tracker_db_url),
    }
    redis_url = os.environ.get("RUTA_REDIS_URL")
    if redis_url:
        config["lock_store"] = lock_store(redis_url)
    return config


def credentials() -> dict[str, Any]:
    config: dict[str, Any] = {"rest": None}
    if os.environ.get("TWILIO_AUTH_TOKEN") or os.environ.get("RUTA_DEV") == "1":
        config["bot.channels.twilio.TwilioChannel"] = {"public_url": os.environ.get("RUTA_PUBLIC_URL", "")}
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
        return True
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


def write(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env()
    (out_dir / "endpoints.yml").write_text(yaml.safe_dump(endpoints(settings), sort_keys=False))
    (out_dir / "credentials.yml").write_text(yaml.safe_dump(credentials(), sort_keys=False))


def main(argv: list[str]) -> int:
    """``python -m bot.runtime [DIR]`` writes the files; ``--wait-db SECONDS`` waits first."""
    if argv[:1] == ["--wait-db"]:
        seconds = float(argv[1]) if len(argv) > 1 else 300.0
        if not wait_for_database(Settings.from_env().tracker_db_url, seconds):
            return 1
        argv = argv[2:]
    write(Path(argv[0]) if argv else ROOT / ".run")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
