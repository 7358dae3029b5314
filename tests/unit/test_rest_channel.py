"""Ruta's REST channel over real HTTP: a real Sanic server on 127.0.0.1, a real SQLite tracker store.

Rasa's agent is stood in for by a plain async handler with the contract Rasa gives channels
(stores the conversation through Rasa's SQLTrackerStore, answers through the output channel it
is handed); the full path with the trained model is in tests/e2e/test_edges.py.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Sanic

from bot import fallback
from bot.config import ROOT, Settings
from bot.rasa.channels import texts
from bot.rasa.channels.rest import (
    MAX_MESSAGE_CHARS,
    MAX_REQUEST_BYTES,
    MAX_SENDER_CHARS,
    BadRequest,
    RestChannel,
    ShellInput,
    parse_request,
)
from tests.unit.serving import serve

Sanic.test_mode = True
FALLBACK = fallback.Fallback(ROOT / "knowledge_base").text()


@dataclass
class StandIn:
    store: SQLTrackerStore
    reply: str = "Puedes pedir asilo en la COMAR."
    delay: float = 0.0
    fail: bool = False
    silent: bool = False
    received: list[UserMessage] = field(default_factory=list)

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("action server unreachable")
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text))
        if not self.silent:
            tracker.update(BotUttered(self.reply))
            await message.output_channel.send_text_message(message.sender_id, self.reply)
        await self.store.save(tracker)


@contextmanager
def live(channel: RestChannel, handler: Any) -> Iterator[str]:
    """The channel mounted where Rasa mounts it, served on a free loopback port."""
    app = Sanic(f"ruta_rest_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(handler), url_prefix=f"/webhooks/{channel.url_prefix()}")
    with serve(app, channel) as base:
        yield f"{base}/webhooks/rest/webhook"


def make_channel(db: Path, **options: Any) -> RestChannel:
    settings = Settings.from_env()
    settings = Settings(**{**settings.__dict__, "tracker_db_url": f"sqlite:///{db}"})
    return RestChannel(settings=settings, **options)


def rows(db: Path, sender: str) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


# Parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   ", b"[]", b'"x"', b"null", b"42", b"\xff\xfe not json", b"{broken"])
def test_bodies_that_are_not_a_json_object_are_400(body: bytes) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_request(body)
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "data",
    [
        {"message": "hola"},
        {"sender": "", "message": "hola"},
        {"sender": None, "message": "hola"},
        {"sender": ["a"], "message": "hola"},
        {"sender": "s" * (MAX_SENDER_CHARS + 1), "message": "hola"},
        {"sender": "a"},
        {"sender": "a", "message": None},
        {"sender": "a", "message": {"text": "hola"}},
        {"sender": "a", "message": "hola", "metadata": "x"},
    ],
)
def test_missing_or_wrong_fields_are_400(data: dict) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_request(json.dumps(data).encode())
    assert caught.value.status == 400


def test_too_long_message_or_body_is_413() -> None:
    with pytest.raises(BadRequest) as caught:
        parse_request(json.dumps({"sender": "a", "message": "a" * (MAX_MESSAGE_CHARS + 1)}).encode())
    assert caught.value.status == 413
    with pytest.raises(BadRequest) as caught:
        parse_request(b" " * (MAX_REQUEST_BYTES + 1))
    assert caught.value.status == 413


def test_a_valid_request_keeps_sender_text_and_metadata() -> None:
    parsed = parse_request(json.dumps({"sender": 7, "message": "a" * MAX_MESSAGE_CHARS, "metadata": {"k": 1}}).encode())
    assert parsed.sender_id == "7" and len(parsed.text) == MAX_MESSAGE_CHARS and parsed.metadata == {"k": 1}


# Over HTTP -------------------------------------------------------------------------------------


def test_answers_and_refuses_over_http(db: Path, store: SQLTrackerStore) -> None:
    handler = StandIn(store)
    channel = make_channel(db)
    with live(channel, handler) as url:
        reply = requests.post(url, json={"sender": "a", "message": "hola", "input_channel": "forged"}, timeout=10)
        assert reply.status_code == 200
        assert reply.json() == [{"recipient_id": "a", "text": "Puedes pedir asilo en la COMAR."}]
        assert handler.received[0].input_channel == "rest"  # the caller cannot choose the channel
        for body in (b"", b"[]", b'"x"', b"null"):
            refused = requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=10)
            assert refused.status_code == 400 and "error" in refused.json()
        started = time.monotonic()
        huge = requests.post(url, json={"sender": "b", "message": "asilo " * 200_000}, timeout=10)
        assert huge.status_code == 413 and time.monotonic() - started < 2
        assert requests.post(url, json={"sender": "s" * 10_000, "message": "x"}, timeout=10).status_code == 400
    assert len(handler.received) == 1  # nothing refused reached the assistant


@pytest.mark.parametrize("trouble", ["fail", "silent", "slow"])
def test_failing_silent_or_slow_assistant_gets_the_fallback(db: Path, store: SQLTrackerStore, trouble: str) -> None:
    handler = StandIn(store, fail=trouble == "fail", silent=trouble == "silent", delay=3.0 if trouble == "slow" else 0)
    with live(make_channel(db, reply_timeout=1.0), handler) as url:
        started = time.monotonic()
        reply = requests.post(url, json={"sender": "a", "message": "hola"}, timeout=10).json()
        assert time.monotonic() - started < 2.5
        assert reply == [{"recipient_id": "a", "text": FALLBACK}]
        if trouble == "slow":  # still processed and stored after the fallback
            time.sleep(2.5)
            assert rows(db, "a") > 0


def test_fallback_lists_the_emergency_numbers_of_the_content() -> None:
    assert "911" in FALLBACK and "110 en Guatemala" in FALLBACK and "110 in Guatemala" in FALLBACK


def test_stream_answers_one_json_object_per_line(db: Path, store: SQLTrackerStore) -> None:
    with live(make_channel(db), StandIn(store)) as url:
        reply = requests.post(url + "?stream=true", json={"sender": "a", "message": "hola"}, timeout=10)
        lines = [json.loads(line) for line in reply.text.splitlines()]
        assert lines == [{"recipient_id": "a", "text": "Puedes pedir asilo en la COMAR."}]


def test_borrar_erases_like_on_twilio(db: Path, store: SQLTrackerStore) -> None:
    handler = StandIn(store)
    with live(make_channel(db), handler) as url:
        requests.post(url, json={"sender": "a", "message": "hola"}, timeout=10)
        assert rows(db, "a") > 0
        erased = requests.post(url, json={"sender": "a", "message": "BORRAR"}, timeout=10).json()
        assert erased == [{"recipient_id": "a", "text": texts.say("erased", "es")}] and rows(db, "a") == 0
        again = requests.post(url, json={"sender": "a", "message": "delete"}, timeout=10).json()
        assert again[0]["text"] == texts.say("nothing_stored", "en")
    assert [m.text for m in handler.received] == ["hola"]  # the erasure request itself is not stored


def test_borrar_with_the_database_gone_says_it_could_not_erase(db: Path, store: SQLTrackerStore) -> None:
    with live(make_channel(db), StandIn(store)) as url:
        requests.post(url, json={"sender": "a", "message": "hola"}, timeout=10)
        db.rename(db.with_suffix(".moved"))
        reply = requests.post(url, json={"sender": "a", "message": "BORRAR"}, timeout=10).json()
        assert reply[0]["text"].startswith("No pudimos borrar")
        assert not db.exists()  # and no empty database was created in its place


def test_shell_is_the_same_channel_under_rasas_console_name() -> None:
    assert ShellInput.name() == "cmdline" and ShellInput().url_prefix() == "rest"
    assert RestChannel.name() == "rest"
