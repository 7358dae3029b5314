"""``python -m bot doctor``: is this Ruta in order? One line per check, in words staff can act on.

Checks: the trained model exists and is newer than its training data; the knowledge base
validates; the tracker database answers; the action server and the Rasa server answer their
health endpoints (reported as "not running" rather than failures when nothing listens, so the
command is useful before `make serve` too).
"""

from __future__ import annotations

import datetime as dt
import os
import urllib.error
import urllib.request
from dataclasses import dataclass

from bot.config import ROOT, Settings

MODEL = ROOT / "models" / "ruta.tar.gz"
TRAINING_INPUTS = ("config.yml", "domain.yml", "data")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fatal: bool = True

    def line(self) -> str:
        mark = "ok  " if self.ok else ("FAIL" if self.fatal else "warn")
        return f"{mark} {self.name}: {self.detail}"


def _newest_input() -> float:
    newest = 0.0
    for name in TRAINING_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else list(path.rglob("*.yml"))
        newest = max([newest, *(f.stat().st_mtime for f in files)])
    return newest


def check_model() -> Check:
    if not MODEL.exists():
        return Check("model", False, f"{MODEL.relative_to(ROOT)} is missing; run `make train`")
    age = dt.datetime.now() - dt.datetime.fromtimestamp(MODEL.stat().st_mtime)
    hours = age.total_seconds() / 3600
    if MODEL.stat().st_mtime < _newest_input():
        return Check(
            "model",
            False,
            f"trained {hours:.1f} h ago, before the last change to the NLU/dialogue data; run `make train`",
        )
    return Check("model", True, f"trained {hours:.1f} h ago, up to date with its data")


def check_content(settings: Settings) -> Check:
    from bot.kb.loader import KBError
    from bot.world import load

    try:
        kb = load(settings.kb_path)
    except KBError as exc:
        return Check("knowledge base", False, f"{len(exc.issues)} error(s); run `python -m bot kb validate`")
    entries = sum(len(c.topics) for c in kb.countries.values())
    return Check("knowledge base", True, f"valid: {entries} entries, {len(kb.places)} places")


def check_database(settings: Settings) -> Check:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(settings.tracker_db_url)
    shown = url.render_as_string(hide_password=True)
    try:
        engine = create_engine(
            url, connect_args={"connect_timeout": 3} if url.get_backend_name() == "postgresql" else {}
        )
        with engine.connect() as conn:
            conn.execute(text("select 1"))
            has_events = engine.dialect.has_table(conn, "events")
        engine.dispose()
    except Exception as exc:  # any driver error means "not reachable" to the person reading this
        return Check(
            "tracker database",
            False,
            f"{shown} does not answer ({type(exc).__name__}); check RUTA_DB_URL and that the server runs",
        )
    state = "has conversations table" if has_events else "reachable, empty (Rasa creates the table at start)"
    return Check("tracker database", True, f"{shown} {state}")


def _http(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return True, f"{url} answered {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"{url} answered {exc.code}"
    except (urllib.error.URLError, OSError):
        return False, f"nothing answers at {url}"


def server_urls(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(action server health, Rasa status) URLs, from the same settings `make serve` uses."""
    env = os.environ if environ is None else environ
    action_port = env.get("RUTA_ACTION_PORT") or "5055"
    rasa_port = env.get("RUTA_PORT") or "5005"
    action = env.get("RUTA_ACTION_URL") or f"http://localhost:{action_port}/webhook"
    rasa = env.get("RUTA_RASA_URL") or f"http://localhost:{rasa_port}"
    return action.rsplit("/", 1)[0] + "/health", rasa.rstrip("/") + "/status"


def check_servers() -> list[Check]:
    action, rasa = server_urls()
    checks = []
    for name, url in (("action server", action), ("rasa server", rasa)):
        ok, detail = _http(url)
        checks.append(
            Check(name, ok, detail if ok else f"{detail} (not running? start it with `make serve`)", fatal=False)
        )
    return checks


def run(settings: Settings) -> int:
    """Print every check; exit 1 when the model, content or database is not in order."""
    checks = [check_model(), check_content(settings), check_database(settings), *check_servers()]
    for check in checks:
        print(check.line())
    return 1 if any(not c.ok and c.fatal for c in checks) else 0
