"""What `make serve` writes and checks before Rasa starts (bot/rasa/runtime.py), and the small guards
around it: capped log lines (bot/logcap.py), the action server's token and secrets (bot/rasa/action_server.py)."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import logcap
from bot.config import ROOT
from bot.rasa import action_server, runtime


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.rasa.runtime", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_sqlite_file_at_a_configured_path_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "gone.db"
    result = _run([str(tmp_path / "run")], RUTA_DB_URL=f"sqlite:///{db}")
    assert result.returncode == 1 and "does not exist" in result.stderr and "--create-db" in result.stderr
    assert not db.exists() and not (tmp_path / "run").exists()


def test_an_empty_sqlite_file_is_an_error_too(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    result = _run([str(tmp_path / "run")], RUTA_DB_URL=f"sqlite:///{db}")
    assert result.returncode == 1 and "is empty" in result.stderr


def test_create_db_makes_rasas_table_once(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    first = _run(["--create-db"], RUTA_DB_URL=f"sqlite:///{db}")
    assert first.returncode == 0 and "Created a new, empty conversation database" in first.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    again = _run(["--create-db", str(tmp_path / "run")], RUTA_DB_URL=f"sqlite:///{db}")
    assert again.returncode == 0 and "Created" not in again.stderr


def test_run_files_are_owner_only_and_configure_ruta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUTA_DB_URL", "postgresql://ruta:secret@db:5432/ruta")
    monkeypatch.setenv("RUTA_REDIS_URL", "redis://:pw@redis:6379/2")
    monkeypatch.setenv("RUTA_ACTION_TOKEN", "t" * 32)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RUTA_DEV", raising=False)
    out = tmp_path / "run"
    runtime.write(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for name in ("endpoints.yml", "credentials.yml"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600
    endpoints = yaml.safe_load((out / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "bot.rasa.tracker_store.RutaSQLTrackerStore"
    assert endpoints["tracker_store"]["query"] == {"connect_timeout": "5"}
    assert endpoints["action_endpoint"]["headers"] == {"X-Ruta-Action-Token": "t" * 32}
    assert endpoints["lock_store"]["password"] == "pw"
    assert yaml.safe_load((out / "credentials.yml").read_text()) == {"bot.rasa.channels.rest.RestChannel": {}}


def test_sqlite_is_opened_read_write_only(tmp_path: Path) -> None:
    section = runtime.tracker_store(f"sqlite:///{tmp_path / 'a b.db'}")
    assert section["db"] == f"file:{tmp_path}/a%20b.db" and section["query"] == {"mode": "rw", "uri": "true"}


def test_dev_flag_never_skips_signatures_when_a_token_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.rasa.channels.twilio import TwilioChannel

    monkeypatch.setenv("RUTA_DEV", "1")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a-real-token-0123456789")
    monkeypatch.setenv("RUTA_PSEUDONYM_KEY", "k" * 32)
    assert TwilioChannel.from_credentials(None).skip_signature is False


def test_log_lines_are_capped_whoever_logs(caplog: pytest.LogCaptureFixture) -> None:
    logcap.install()
    logcap.install()  # idempotent
    with caplog.at_level(logging.INFO):
        logging.getLogger("rasa.anything").info("received %s", "x" * 1_000_000)
    message = caplog.records[-1].getMessage()
    assert len(message) < logcap.MAX_LOG_CHARS + 100 and "characters not logged" in message


def test_action_server_token_and_secrets() -> None:
    assert action_server.token_ok(None, None) and action_server.token_ok("abc", "abc")
    assert not action_server.token_ok("abc", None) and not action_server.token_ok("abc", "abd")
    env = {"TWILIO_AUTH_TOKEN": "x", "RUTA_PSEUDONYM_KEY": "y", "RUTA_DB_URL": "z", "RUTA_KB_PATH": "kb"}
    assert sorted(action_server.drop_secrets(env)) == ["RUTA_DB_URL", "RUTA_PSEUDONYM_KEY", "TWILIO_AUTH_TOKEN"]
    assert env == {"RUTA_KB_PATH": "kb"}


def test_doctor_follows_the_ports_make_serve_uses() -> None:
    from bot.doctor import server_urls

    assert server_urls({"RUTA_PORT": "6000", "RUTA_ACTION_PORT": "6055"}) == (
        "http://localhost:6055/health",
        "http://localhost:6000/status",
    )


def test_purge_refuses_negative_days_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "privacy", "purge", "--days", "-1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "must be 0 or more" in result.stderr and "Traceback" not in result.stderr
