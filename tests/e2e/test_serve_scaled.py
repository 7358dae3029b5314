"""`make serve` with PostgreSQL, Redis and two Sanic workers: several Rasa processes behind one
port, a MessageSid answered once whichever worker gets it, and turns taken while PostgreSQL is
down written back once it is up again.

Needs the PostgreSQL and Redis that `make test` starts (scripts/services.sh); skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.makeserve import MakeServe
from tests.e2e.servers import ROOT

PG = os.environ.get("RUTA_TEST_PG_URL")
REDIS = os.environ.get("RUTA_TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not (PG and REDIS), reason="PostgreSQL/Redis not started (run `make test`)")
API_TOKEN = "scaled-api-token-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeServe]:
    assert PG and REDIS
    server = MakeServe(
        tmp_path_factory.mktemp("scaled"),
        {"RUTA_DB_URL": PG, "RUTA_REDIS_URL": REDIS, "SANIC_WORKERS": "2", "RUTA_API_TOKEN": API_TOKEN},
    ).start()
    try:
        deadline = time.monotonic() + 300
        while "COMAR" not in server.rest(f"warm-{uuid.uuid4().hex[:6]}", "como pido asilo en mexico")[0].text:
            assert time.monotonic() < deadline, "no normal answer"
            time.sleep(1)
        yield server
    finally:
        server.stop()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _stored(sender: str) -> int:
    engine = create_engine(PG)
    try:
        with engine.connect() as conn:
            return conn.execute(text("select count(*) from events where sender_id = :s"), {"s": sender}).scalar()
    finally:
        engine.dispose()


def test_two_rasa_workers_serve_one_port(scaled: MakeServe) -> None:
    workers = [c for c in _children(scaled.pid("rasa")) if "bot.rasa.server" in Path(f"/proc/{c}/cmdline").read_text()]
    assert len(workers) == 2, f"Sanic workers under Rasa: {workers}"
    senders = [f"w-{uuid.uuid4().hex[:6]}" for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda s: scaled.rest(s, "hola")[0], senders))
    assert all(r.status_code == 200 and r.json() for r in replies)


def test_a_message_sid_is_answered_once_across_workers(scaled: MakeServe) -> None:
    sid, number = f"SM{uuid.uuid4().hex}", "+5025" + str(uuid.uuid4().int)[:7]
    answers = [scaled.twilio("hola", number=number, sid=sid)[0].text for _ in range(4)]
    assert sum("<Message>" in a for a in answers) == 1, answers


def test_turns_during_a_postgresql_outage_are_written_back(scaled: MakeServe) -> None:
    services = [str(ROOT / "scripts" / "services.sh")]
    during = f"pg-down-{uuid.uuid4().hex[:6]}"
    subprocess.run([*services, "pg-stop"], check=True, timeout=60)
    try:
        reply, seconds = scaled.rest(during, "hola")
        assert reply.status_code == 200 and reply.json() and seconds < 10
    finally:
        subprocess.run([*services, "pg-start"], check=True, timeout=60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _stored(during):
                return
        except Exception:  # noqa: BLE001 - PostgreSQL still starting
            pass
        time.sleep(1)
    raise AssertionError("the turn served from memory while PostgreSQL was down was not written back")


def test_with_ruta_api_token_the_api_needs_it_and_it_is_not_on_any_command_line(scaled: MakeServe) -> None:
    import requests

    assert requests.get(f"{scaled.url}/status", timeout=10).status_code == 401
    assert requests.put(f"{scaled.url}/model", json={"model_file": "/tmp/x.tar.gz"}, timeout=10).status_code == 401
    status = requests.get(f"{scaled.url}/status", params={"token": API_TOKEN}, timeout=10)
    assert status.status_code == 200 and status.json()["model_file"]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            assert API_TOKEN.encode() not in cmdline, f"the API token is visible in ps (pid {proc.name})"
