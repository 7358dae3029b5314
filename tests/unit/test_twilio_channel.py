"""The Twilio channel over real HTTP: a real Sanic server on 127.0.0.1, Twilio-signed requests,
a real SQLite tracker store written by Rasa's SQLTrackerStore.

Rasa's agent is stood in for by ``StandIn``, a plain async handler with the same contract as
the ``on_new_message`` Rasa gives channels: it stores the conversation through a real
SQLTrackerStore and answers through the CollectingOutputChannel it is handed. One test also
registers the channel through Rasa's own ``register`` with a real (model-less) Agent. The full
path with a trained model and the action server is covered by the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from rasa.core.actions.action import create_bot_utterance  # slow first import: never inside a request
from rasa.core.channels.channel import UserMessage, register
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot import sms
from bot.privacy import pseudonym
from bot.rasa.channels.twilio import (
    EMPTY,
    ERASED,
    FALLBACK,
    MEDIA_ONLY,
    NOTHING_STORED,
    NOTICE,
    ChannelSetupError,
    TwilioChannel,
)

TOKEN = "test-auth-token-0123456789"
KEY = b"test-pseudonym-key-0123456789"
NUMBER = "+50255501234"
PATH = "/webhooks/twilio/webhook"

Sanic.test_mode = True  # Sanic 21.12 rewrites shared protocol methods per app; test mode allows several apps


# The stand-in for Rasa, and the server --------------------------------------------------------


@dataclass
class StandIn:
    """Stores each message like Rasa does and answers with ``reply`` (or as configured).

    A reply given as a dict (``{"text": ..., "ruta": ...}``, a ``bot.dialogue.Reply`` message)
    takes Rasa's own path from an action: rasa-sdk's dispatcher with the parts as a custom
    payload, Rasa's ``create_bot_utterance`` and ``send_response``.
    """

    store: SQLTrackerStore
    reply: str | dict[str, Any] | list[str | dict[str, Any]] = "Puedes pedir asilo en la COMAR."
    delay: float = 0.0
    fail: bool = False
    received: list[UserMessage] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("action server unreachable")
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, metadata=message.metadata))
        replies = self.reply if isinstance(self.reply, list) else [self.reply]
        for reply in replies:
            if isinstance(reply, dict):
                for event in _as_rasa_sends(reply):
                    tracker.update(event)
                    await message.output_channel.send_response(message.sender_id, event.message())
                continue
            tracker.update(BotUttered(reply))
            await message.output_channel.send_text_message(message.sender_id, reply)
        await self.store.save(tracker)
        self.finished.append(message.sender_id)


def _as_rasa_sends(reply: dict[str, Any], as_custom: bool = True) -> list[BotUttered]:
    """A Reply message as Rasa utters it: rasa-sdk's ``utter_message`` (parts as a custom
    payload, or as an extra keyword), then Rasa's ``create_bot_utterance``, as in RemoteAction."""
    dispatcher = CollectingDispatcher()
    extra = {"json_message": {"ruta": reply["ruta"]}} if as_custom else {"ruta": reply["ruta"]}
    dispatcher.utter_message(text=reply["text"], **(extra if reply.get("ruta") else {}))
    events = []
    for response in dispatcher.messages:
        response.pop("response", None)
        events.append(create_bot_utterance({k: v for k, v in response.items() if v}))
    return events


@contextmanager
def live(app: Sanic, channel: TwilioChannel) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a background thread; yields the base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def start() -> None:
        # Sanic 21.12 awaits the AsyncioServer inside create_server: it is listening on return.
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await server.startup()
        holder["server"] = server

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10), "server did not start"

    async def stop() -> None:
        for task in list(channel._background):
            task.cancel()
        holder["server"].close()

    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def make_channel(db: Path, **options: Any) -> TwilioChannel:
    settings: dict[str, Any] = {"reply_timeout": 5.0, "sms_segments": 3, "gsm7": True, "retention_days": 90}
    settings.update(options)
    return TwilioChannel(TOKEN, tracker_db_url=f"sqlite:///{db}", pseudonym_key=KEY, **settings)


def make_app(channel: TwilioChannel, handler: Any) -> Sanic:
    """Mounted exactly where Rasa's ``register(..., route="/webhooks/")`` mounts it."""
    app = Sanic(f"ruta_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(handler), url_prefix=f"/webhooks/{channel.url_prefix()}")
    return app


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ruta.db"


@pytest.fixture
def store(db: Path) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))


@pytest.fixture
def handler(store: SQLTrackerStore) -> StandIn:
    return StandIn(store)


@pytest.fixture
def server(db: Path, handler: StandIn) -> Iterator[str]:
    channel = make_channel(db)
    with live(make_app(channel, handler), channel) as base:
        yield base


# Requests as Twilio sends them ----------------------------------------------------------------


def twilio_params(body: str | None = "hola", sender: str = NUMBER, **extra: str) -> dict[str, str]:
    """The fields of a real Twilio SMS webhook, blank ones included (Twilio signs those too).

    Each call is a new message (its own MessageSid), as from Twilio: a repeated one is a replay."""
    sid = "SM" + uuid.uuid4().hex
    params = {
        "ToCountry": "GT",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "FromCountry": "GT",
        "To": "+50222220000",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    if body is not None:
        params["Body"] = body
    params.update(extra)
    return params


def post(
    base: str,
    params: dict[str, str],
    *,
    token: str | None = TOKEN,
    signed_url: str | None = None,
    raw: bytes | None = None,
) -> requests.Response:
    url = base + PATH
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if token is not None:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(signed_url or url, params)
    data = raw if raw is not None else urlencode(params).encode()
    return requests.post(url, data=data, headers=headers, timeout=30)


def messages(reply: requests.Response) -> list[str]:
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/xml")
    return [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]


def stored_rows(db: Path, sender_id: str | None = None) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        if sender_id is None:
            return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        return conn.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()[0]


def notice(language: str) -> str:
    return sms.to_gsm7(NOTICE[language].format(days=90))


# Signature --------------------------------------------------------------------------------------


def test_signed_sms_gets_the_bots_answer_in_twiml(server: str, handler: StandIn, db: Path) -> None:
    first = messages(post(server, twilio_params("hola, necesito ayuda")))
    assert first == [notice("es") + "\nPuedes pedir asilo en la COMAR."]
    assert handler.received[0].text == "hola, necesito ayuda"
    assert handler.received[0].sender_id == pseudonym(NUMBER, KEY)
    assert handler.received[0].input_channel == "twilio"
    assert handler.received[0].metadata == {"channel": "sms"}

    second = messages(post(server, twilio_params("y en Guatemala?")))
    assert second == ["Puedes pedir asilo en la COMAR."]  # the notice only once
    assert stored_rows(db, pseudonym(NUMBER, KEY)) > 0


def test_english_first_message_gets_the_notice_in_english(server: str) -> None:
    reply = messages(post(server, twilio_params("Hello, where can I apply for asylum?")))
    assert reply[0].startswith(notice("en"))


@pytest.mark.parametrize(
    "how",
    ["unsigned", "wrong token", "tampered body", "other url"],
)
def test_unsigned_or_forged_requests_are_refused(server: str, handler: StandIn, db: Path, how: str) -> None:
    params = twilio_params("hola")
    if how == "unsigned":
        response = post(server, params, token=None)
    elif how == "wrong token":
        response = post(server, params, token="not-the-token-0000")
    elif how == "tampered body":
        signature = RequestValidator(TOKEN).compute_signature(server + PATH, params)
        forged = dict(params, From="+50299999999")
        response = requests.post(server + PATH, data=forged, headers={"X-Twilio-Signature": signature}, timeout=10)
    else:
        response = post(server, params, signed_url="https://elsewhere.example.org" + PATH)
    assert response.status_code == 403
    assert handler.received == []
    assert not db.exists() or stored_rows(db) == 0


def test_public_url_is_what_gets_signed_behind_a_proxy(db: Path, handler: StandIn) -> None:
    channel = make_channel(db, public_url="https://ruta.example.org/")
    with live(make_app(channel, handler), channel) as base:
        assert post(base, twilio_params(), signed_url="https://ruta.example.org" + PATH).status_code == 200
        assert post(base, twilio_params()).status_code == 403  # signed for the internal address


def test_development_mode_skips_the_signature(db: Path, handler: StandIn) -> None:
    channel = TwilioChannel(None, dev_skip_signature=True, tracker_db_url=f"sqlite:///{db}", pseudonym_key=KEY)
    with live(make_app(channel, handler), channel) as base:
        assert messages(post(base, twilio_params(), token=None))[0].endswith("COMAR.")


# Erasure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("BORRAR", "es"),
        ("borrar mis datos", "es"),
        ("¡Borrar!", "es"),
        ("Borrar mis datos.", "es"),
        ("DELETE", "en"),
        ("Delete my data", "en"),
    ],
)
def test_erase_request_deletes_the_conversation_first(
    server: str, handler: StandIn, db: Path, text: str, language: str
) -> None:
    me, other = pseudonym(NUMBER, KEY), pseudonym("+50499990000", KEY)
    post(server, twilio_params("hola"))
    post(server, twilio_params("asilo"))
    post(server, twilio_params("hola", sender="+50499990000"))
    assert stored_rows(db, me) > 0
    kept = stored_rows(db, other)
    handled = len(handler.received)

    reply = messages(post(server, twilio_params(text)))

    assert reply == [sms.to_gsm7(ERASED[language])]
    assert stored_rows(db, me) == 0
    assert stored_rows(db, other) == kept
    assert len(handler.received) == handled  # the erase request never reached Rasa, nor the store


def test_erase_request_over_whatsapp_erases_the_sms_conversation_too(server: str, db: Path) -> None:
    post(server, twilio_params("hola"))
    assert messages(post(server, twilio_params("borrar", sender="whatsapp:" + NUMBER))) == [ERASED["es"]]
    assert stored_rows(db, pseudonym(NUMBER, KEY)) == 0


def test_erase_request_with_nothing_stored(server: str) -> None:
    assert messages(post(server, twilio_params("BORRAR"))) == [sms.to_gsm7(NOTHING_STORED["es"])]


def test_borrar_inside_a_sentence_is_an_ordinary_message(server: str, handler: StandIn) -> None:
    post(server, twilio_params("como borrar mis antecedentes penales"))
    assert handler.received[-1].text == "como borrar mis antecedentes penales"


# The phone number never leaves the request -----------------------------------------------------


def test_raw_number_is_never_logged_nor_stored(
    server: str, handler: StandIn, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    handler.fail = True  # the error path logs too
    post(server, twilio_params("hola"))
    handler.fail = False
    post(server, twilio_params("hola"))
    post(server, twilio_params("hola", sender="whatsapp:" + NUMBER))
    post(server, twilio_params("", NumMedia="1"))
    post(server, twilio_params("BORRAR", sender="whatsapp:" + NUMBER))
    post(server, twilio_params("asilo en Mexico"))
    post(server, twilio_params("hola"), token=None)  # refused

    digits = NUMBER.lstrip("+")
    assert stored_rows(db) > 0
    for record in caplog.records:
        assert digits not in record.getMessage()
    for path in db.parent.iterdir():  # the database and any journal beside it
        content = path.read_bytes()
        assert digits.encode() not in content
        assert digits.encode("utf-16-le") not in content
    assert all(NUMBER not in str(m.metadata) for m in handler.received)


# Slow, failing or silent assistant --------------------------------------------------------------


def test_slow_assistant_gets_the_fallback_before_twilio_gives_up(db: Path, store: SQLTrackerStore) -> None:
    handler = StandIn(store, delay=20)
    channel = make_channel(db, reply_timeout=2)
    with live(make_app(channel, handler), channel) as base:
        started = time.monotonic()
        reply = messages(post(base, twilio_params("hola")))
        elapsed = time.monotonic() - started
    assert elapsed < 2 + 1
    assert reply[0].endswith(sms.to_gsm7(FALLBACK))
    assert "911" in reply[0] and "110" in reply[0]


def test_message_answered_with_the_fallback_is_still_processed(db: Path, store: SQLTrackerStore) -> None:
    handler = StandIn(store, delay=2.5)
    channel = make_channel(db, reply_timeout=1)
    with live(make_app(channel, handler), channel) as base:
        assert sms.to_gsm7(FALLBACK) in messages(post(base, twilio_params("necesito albergue")))[0]
        deadline = time.monotonic() + 10
        while not handler.finished and time.monotonic() < deadline:
            time.sleep(0.1)
    assert handler.finished == [pseudonym(NUMBER, KEY)]
    assert stored_rows(db, pseudonym(NUMBER, KEY)) > 0


@pytest.mark.parametrize("trouble", ["fails", "says nothing"])
def test_failing_or_silent_assistant_gets_the_fallback(server: str, handler: StandIn, trouble: str) -> None:
    if trouble == "fails":
        handler.fail = True
    else:
        handler.reply = []
    reply = messages(post(server, twilio_params("hola")))
    assert reply[0].endswith(sms.to_gsm7(FALLBACK))


# WhatsApp ---------------------------------------------------------------------------------------


def test_whatsapp_location_pin_becomes_share_location(server: str, handler: StandIn) -> None:
    params = twilio_params(
        None, sender="whatsapp:" + NUMBER, Latitude="14.634915", Longitude="-90.506882", Address="", Label=""
    )
    assert post(server, params).status_code == 200
    message = handler.received[-1]
    assert message.text == '/share_location{"lat": 14.63, "lon": -90.51}'
    assert message.metadata == {"channel": "whatsapp", "location": {"lat": 14.63, "lon": -90.51}}


@pytest.mark.parametrize(("lat", "lon"), [("999", "0"), ("nan", "1"), ("14.6", "abc"), ('1}{"x', "2")])
def test_invalid_coordinates_are_not_a_location(server: str, handler: StandIn, lat: str, lon: str) -> None:
    params = twilio_params("", sender="whatsapp:" + NUMBER, Latitude=lat, Longitude=lon)
    assert messages(post(server, params)) == [EMPTY]
    assert handler.received == []


def test_typed_intent_commands_are_not_passed_to_rasa(server: str, handler: StandIn) -> None:
    post(server, twilio_params('/share_location{"lat": 1, "lon": 2}'))
    assert not handler.received[-1].text.startswith("/")


def test_media_without_text_gets_a_text_only_reply(server: str, handler: StandIn) -> None:
    params = twilio_params(
        "",
        sender="whatsapp:" + NUMBER,
        NumMedia="1",
        MediaUrl0="https://api.twilio.com/x",
        MediaContentType0="image/jpeg",
    )
    assert messages(post(server, params)) == [MEDIA_ONLY]
    assert handler.received == []


def test_whatsapp_gets_the_whole_answer_and_sms_pages_of_it(server: str, handler: StandIn) -> None:
    long_answer = "Para pedir asilo en México acude a la COMAR. " * 30  # ~1,350 characters
    handler.reply = long_answer
    whatsapp = messages(post(server, twilio_params("asilo", sender="whatsapp:" + NUMBER)))
    assert "\n\n".join(whatsapp).endswith(long_answer.strip())
    assert "México" in whatsapp[-1]  # not transliterated either

    sms_reply = messages(post(server, twilio_params("asilo", sender="+50688887777")))
    assert sms_reply[0] == notice("es")  # first contact: too long to share an SMS with the answer
    assert sms_reply[1].endswith("\n1 sigue (1/4)")
    assert all(sms.is_gsm7(m) and sms.segments(m) <= 3 for m in sms_reply)


# SMS: answers whole, in pages ------------------------------------------------------------------

ANSWER = {
    "text": "(the full text REST shows)",
    "ruta": {
        "kind": "answer",
        "lang": "es",
        "body": " ".join(f"Paso {i}: pide tu cita en la COMAR y guarda el papel que te den." for i in range(1, 25)),
        "tails": [
            "Parte de esta información es de 2017: puede haber cambiado.\n"
            "Fuente: MIRPS 2017; REDLAC 2020. Revisado: 2026-11-23",
            "Fuente: REDLAC 2020, datos de 2017.",
        ],
    },
}
MENU = {
    "text": "¿Qué más?\n1 Más detalles\n2 Documentos\n0 Menú",
    "ruta": {"kind": "menu", "lang": "es", "short": ["1 Más detalles, 2 Documentos, 0 Menú", "0 Menú"]},
}


def _read_pages(base: str, first: list[str], sender: str = NUMBER) -> list[str]:
    """Ask for every next page with "1", as a person would; returns every page received."""
    pages = [first[-1]]
    while "1 sigue (" in pages[-1]:
        reply = messages(post(base, twilio_params("1", sender=sender)))
        assert len(reply) == 1
        pages.append(reply[0])
    return pages


def _body_of(pages: list[str]) -> str:
    import re

    return " ".join(re.sub(r"\n1 sigue \(\d+/\d+\)$", "", p) for p in pages)


def test_a_long_sms_answer_arrives_whole_across_pages_without_asking_rasa(server: str, handler: StandIn) -> None:
    post(server, twilio_params("hola"))  # the notice is out of the way
    handler.reply = [ANSWER, MENU]
    first = messages(post(server, twilio_params("asilo")))
    asked = len(handler.received)
    pages = _read_pages(server, first)
    assert len(handler.received) == asked  # every "1" was answered from the stored pages
    assert len(pages) >= 3 and all(sms.segments(p) <= 3 for p in pages)
    body = " ".join(_body_of(pages).split())
    assert sms.to_gsm7(ANSWER["ruta"]["body"]) in body  # every sentence, in order, none cut
    assert "REDLAC 2020" in pages[-1] and pages[-1].endswith("0 Menu")
    assert "(the full text REST shows)" not in body

    messages(post(server, twilio_params("1")))  # no pages left: "1" is a menu choice again
    assert len(handler.received) == asked + 1 and handler.received[-1].text == "1"


def test_a_short_answer_is_one_sms_with_its_parts_shortened_only_as_needed(server: str, handler: StandIn) -> None:
    post(server, twilio_params("hola"))
    short = {**ANSWER, "ruta": {**ANSWER["ruta"], "body": "Pide asilo en la COMAR. Es gratis."}}
    handler.reply = [short, MENU]
    (reply,) = messages(post(server, twilio_params("asilo")))
    assert reply.startswith("Pide asilo en la COMAR. Es gratis.\nParte de esta informacion es de 2017")
    assert reply.endswith("¿Qué mas?\n1 Mas detalles\n2 Documentos\n0 Menu")  # everything fits: as on REST


def test_the_parts_also_travel_as_an_utterance_keyword(db: Path, store: SQLTrackerStore) -> None:
    """The other way an action can attach them (``utter_message(ruta=...)``): same SMS."""

    @dataclass
    class Keyword(StandIn):
        async def __call__(self, message: UserMessage) -> None:
            self.received.append(message)
            for event in [*_as_rasa_sends(ANSWER, as_custom=False), *_as_rasa_sends(MENU, as_custom=False)]:
                await message.output_channel.send_response(message.sender_id, event.message())

    handler = Keyword(store)
    channel = make_channel(db)
    with live(make_app(channel, handler), channel) as base:
        first = messages(post(base, twilio_params("asilo")))
        assert first[-1].endswith("\n1 sigue (1/4)")
        whatsapp = messages(post(base, twilio_params("asilo", sender="whatsapp:+50677770000")))
    assert "(the full text REST shows)" in whatsapp[-1] and "Paso 1" not in "".join(whatsapp)


def test_pages_are_shared_by_servers_on_one_database(db: Path, store: SQLTrackerStore) -> None:
    """The "1" for page 2 may reach another Rasa server: it finds the pages in the shared database."""
    asked, other = StandIn(store, reply=[ANSWER, MENU]), StandIn(store, reply="otro servidor")
    one, two = make_channel(db), make_channel(db)
    with live(make_app(one, asked), one) as base_one, live(make_app(two, other), two) as base_two:
        post(base_one, twilio_params("hola"))
        first = messages(post(base_one, twilio_params("asilo")))
        second = messages(post(base_two, twilio_params("1")))
    assert first[-1].endswith("(1/4)") and second[0].endswith("\n1 sigue (2/4)")
    assert other.received == []


def test_any_other_message_drops_the_pages(server: str, handler: StandIn) -> None:
    post(server, twilio_params("hola"))
    handler.reply = [ANSWER, MENU]
    assert messages(post(server, twilio_params("asilo")))[-1].endswith("(1/4)")
    handler.reply = "Puedes pedir asilo en la COMAR."
    post(server, twilio_params("y en Guatemala?"))
    asked = len(handler.received)
    assert messages(post(server, twilio_params("1"))) == ["Puedes pedir asilo en la COMAR."]
    assert len(handler.received) == asked + 1  # "1" went to Rasa: no stale page 2


def test_borrar_erases_the_waiting_pages_too(server: str, handler: StandIn, db: Path) -> None:
    import sqlite3

    post(server, twilio_params("hola"))
    handler.reply = [ANSWER, MENU]
    post(server, twilio_params("asilo"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ruta_sms_pages").fetchone()[0] == 1
    assert messages(post(server, twilio_params("BORRAR"))) == [sms.to_gsm7(ERASED["es"])]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ruta_sms_pages").fetchone()[0] == 0
    handler.reply = "Hola de nuevo."
    assert messages(post(server, twilio_params("1")))[-1].endswith("Hola de nuevo.")


def test_whatsapp_never_pages(server: str, handler: StandIn) -> None:
    handler.reply = [ANSWER, MENU]
    pieces = messages(post(server, twilio_params("asilo", sender="whatsapp:" + NUMBER)))
    assert "(the full text REST shows)" in pieces[-1] and "sigue" not in "".join(pieces)
    asked = len(handler.received)
    post(server, twilio_params("1", sender="whatsapp:" + NUMBER))
    assert len(handler.received) == asked + 1


def test_first_contact_notice_never_pushes_the_answer_out(server: str, handler: StandIn) -> None:
    body = "Pide asilo en la COMAR, la Comisión Mexicana de Ayuda a Refugiados. " * 4  # 276 characters
    handler.reply = [{**ANSWER, "ruta": {**ANSWER["ruta"], "body": body}}, MENU]
    reply = messages(post(server, twilio_params("asilo")))
    assert any(sms.to_gsm7(body.strip()) in m for m in reply)
    assert "BORRAR" in reply[0] and all(sms.segments(m) <= 3 for m in reply)


def test_whatsapp_answer_longer_than_twilio_allows_is_split(server: str, handler: StandIn) -> None:
    handler.reply = ["Primera parte. " * 80, "Segunda parte. " * 80]  # 2 × 1,200 characters
    pieces = messages(post(server, twilio_params("asilo", sender="whatsapp:" + NUMBER)))
    assert len(pieces) >= 2
    assert all(len(p) <= 1600 for p in pieces)


# Bad input never gives a 500 --------------------------------------------------------------------


@pytest.mark.parametrize("body", [None, "", "   ", "\x00\x01"])
def test_missing_or_empty_body_gets_a_prompt(server: str, handler: StandIn, body: str | None) -> None:
    assert messages(post(server, twilio_params(body))) == [sms.to_gsm7(EMPTY)]
    assert handler.received == []


def test_huge_body_is_cut_before_nlu(server: str, handler: StandIn) -> None:
    response = post(server, twilio_params("ayuda " * 2000))  # 12 kB
    assert response.status_code == 200
    assert len(handler.received[-1].text) <= 1600


def test_invalid_utf8_and_unknown_fields_are_answered(server: str, handler: StandIn) -> None:
    raw = b"From=%2B50255501234&Body=hola+%FF%FE+amigo&NumMedia=0&Unknown%00Field=%C3%28&X=" + bytes([0xE9])
    decoded = {
        "From": NUMBER,
        "Body": "hola \ufffd\ufffd amigo",
        "NumMedia": "0",
        "Unknown\x00Field": "\ufffd(",
        "X": "\ufffd",
    }
    response = post(server, decoded, raw=raw)
    assert messages(response)[0].endswith("COMAR.")
    assert "\ufffd" not in handler.received[-1].text


def test_garbage_and_missing_sender_never_500(server: str) -> None:
    assert post(server, {}, raw=b"\xff\xfe\x00garbage", token=None).status_code == 403
    no_sender = twilio_params("hola")
    del no_sender["From"]
    response = post(server, no_sender)
    assert response.status_code == 200 and messages(response) == []


def test_health_route(server: str) -> None:
    assert requests.get(server + "/webhooks/twilio/", timeout=10).json() == {"status": "ok"}


# Inside a Rasa server -----------------------------------------------------------------------------


def test_registered_through_rasa_with_a_real_agent(db: Path, store: SQLTrackerStore) -> None:
    """Rasa's own ``register`` and Agent: the route, the agent's tracker store found through
    FailSafeTrackerStore for the notice and for erasure, and a model-less agent (it answers
    nothing) still produces the fallback rather than silence."""
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore

    agent_db = db.parent / "agent.db"  # a different file from RUTA_DB_URL: the agent's must be used
    agent_store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(agent_db))
    channel = make_channel(db, reply_timeout=3)
    app = Sanic(f"ruta_test_{uuid.uuid4().hex}")
    app.ctx.agent = Agent(domain=Domain.empty(), tracker_store=agent_store, lock_store=InMemoryLockStore())
    register([channel], app, route="/webhooks/")
    me = pseudonym(NUMBER, KEY)
    asyncio.run(StandIn(agent_store)(UserMessage("hola", sender_id=me)))
    assert stored_rows(agent_db, me) > 0

    with live(app, channel) as base:
        first = messages(post(base, twilio_params("hola", sender="+50677776666")))
        again = messages(post(base, twilio_params("hola")))
        erased = messages(post(base, twilio_params("BORRAR")))

    assert first == [notice("es") + "\n" + sms.to_gsm7(FALLBACK)]  # new sender: notice; no model: fallback
    assert again == [sms.to_gsm7(FALLBACK)]  # known sender in the agent's store: no notice
    assert erased == [sms.to_gsm7(ERASED["es"])]
    assert stored_rows(agent_db, me) == 0


# Start-up ---------------------------------------------------------------------------------------


def test_refuses_to_start_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RUTA_DEV", raising=False)
    monkeypatch.setenv("RUTA_PSEUDONYM_KEY", "k" * 32)
    with pytest.raises(ChannelSetupError, match="TWILIO_AUTH_TOKEN"):
        TwilioChannel.from_credentials(None)


def test_refuses_to_start_without_a_pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.delenv("RUTA_DEV", raising=False)
    monkeypatch.delenv("RUTA_PSEUDONYM_KEY", raising=False)
    with pytest.raises(ChannelSetupError, match="RUTA_PSEUDONYM_KEY"):
        TwilioChannel.from_credentials({})


def test_settings_from_credentials_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("RUTA_PSEUDONYM_KEY", "k" * 32)
    monkeypatch.setenv("RUTA_PUBLIC_URL", "https://ruta.example.org/")
    monkeypatch.delenv("RUTA_DEV", raising=False)
    channel = TwilioChannel.from_credentials({"reply_timeout": 30, "sms_segments": "2", "gsm7": "false"})
    assert channel.name() == "twilio" and channel.url_prefix() == "twilio"
    assert channel.public_url == "https://ruta.example.org"
    assert channel.reply_timeout == 13  # clamped below Twilio's 15 s
    assert channel.sms_segments == 2 and channel.gsm7 is False
    assert channel.skip_signature is False


def test_development_flag_allows_starting_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RUTA_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("RUTA_DEV", "1")
    assert TwilioChannel.from_credentials(None).skip_signature is True
