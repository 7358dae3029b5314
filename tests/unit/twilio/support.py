"""What the Twilio channel's tests share: a stand-in for Rasa, a live server, requests as Twilio signs them.

Rasa's agent is stood in for by ``StandIn``, a plain async handler with the same contract as
the ``on_new_message`` Rasa gives channels: it stores the conversation through a real
SQLTrackerStore and answers through the CollectingOutputChannel it is handed. The server is a
real Sanic app on 127.0.0.1; the requests are signed by the twilio library.
"""

from __future__ import annotations

import asyncio
import uuid
import xml.etree.ElementTree as ET
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from rasa.core.actions.action import create_bot_utterance  # slow first import: never inside a request
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot import fallback, sms
from bot.config import ROOT
from bot.rasa.channels import texts
from bot.rasa.channels.twilio import TwilioChannel
from tests.unit.serving import serve

TOKEN = "test-auth-token-0123456789"
KEY = b"test-pseudonym-key-0123456789"
NUMBER = "+50255501234"
PATH = "/webhooks/twilio/webhook"
FALLBACK = fallback.Fallback(ROOT / "knowledge_base").text()
"""What the channel sends when it cannot answer: the text of ``bot.fallback``, numbers from the shipped content."""

Sanic.test_mode = True  # Sanic 21.12 rewrites shared protocol methods per app; test mode allows several apps


# The stand-in for Rasa, and the server ------------------------------------------------------------


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
                for event in as_rasa_sends(reply):
                    tracker.update(event)
                    await message.output_channel.send_response(message.sender_id, event.message())
                continue
            tracker.update(BotUttered(reply))
            await message.output_channel.send_text_message(message.sender_id, reply)
        await self.store.save(tracker)
        self.finished.append(message.sender_id)


def as_rasa_sends(reply: dict[str, Any], as_custom: bool = True) -> list[BotUttered]:
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


def live(app: Sanic, channel: TwilioChannel) -> AbstractContextManager[str]:
    """Serve ``app`` on a free loopback port in a background thread; yields the base URL."""
    return serve(app, channel)


def make_channel(db: Path, **options: Any) -> TwilioChannel:
    settings: dict[str, Any] = {"reply_timeout": 5.0, "sms_segments": 3, "gsm7": True, "retention_days": 90}
    settings.update(options)
    return TwilioChannel(TOKEN, tracker_db_url=f"sqlite:///{db}", pseudonym_key=KEY, **settings)


def make_app(channel: TwilioChannel, handler: Any) -> Sanic:
    """Mounted exactly where Rasa's ``register(..., route="/webhooks/")`` mounts it."""
    app = Sanic(f"ruta_test_{uuid.uuid4().hex}")
    app.blueprint(channel.blueprint(handler), url_prefix=f"/webhooks/{channel.url_prefix()}")
    return app


# Requests as Twilio sends them --------------------------------------------------------------------


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
    return sms.to_gsm7(texts.say("notice", language, days=90))


# What Rasa answers: an answer with its parts, a menu ----------------------------------------------


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


def read_pages(base: str, first: list[str], sender: str = NUMBER) -> list[str]:
    """Ask for every next page with "1", as a person would; returns every page received."""
    pages = [first[-1]]
    while "1 sigue (" in pages[-1]:
        reply = messages(post(base, twilio_params("1", sender=sender)))
        assert len(reply) == 1
        pages.append(reply[0])
    return pages


def body_of(pages: list[str]) -> str:
    import re

    return " ".join(re.sub(r"\n1 sigue \(\d+/\d+\)$", "", p) for p in pages)
