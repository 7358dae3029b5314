"""Write the effective Rasa endpoint and credential files for this run, from the environment.

Rasa's SQLTrackerStore takes dialect/host/port/db/user/password separately; operators think in
one URL (``RUTA_DB_URL=postgresql://ruta:secret@db:5432/ruta``). This turns the URL into Rasa's
own configuration (no custom tracker store), adds Rasa's RedisLockStore when ``RUTA_REDIS_URL``
is set (several Rasa servers behind one number), and enables the Twilio channel only when it
can run safely (a token, or an explicit development flag).
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
    """Rasa's RedisLockStore section for ``redis://host:port/db``."""
    url = make_url(redis_url)
    section: dict[str, Any] = {"type": "redis", "url": url.host or "localhost", "port": url.port or 6379}
    if url.database:
        section["db"] = int(url.database)
    if url.password:
        section["password"] = url.password
    return section


def endpoints(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "action_endpoint": {"url": os.environ.get("RUTA_ACTION_URL", "http://localhost:5055/webhook")},
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


def write(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env()
    (out_dir / "endpoints.yml").write_text(yaml.safe_dump(endpoints(settings), sort_keys=False))
    (out_dir / "credentials.yml").write_text(yaml.safe_dump(credentials(), sort_keys=False))


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".run")
