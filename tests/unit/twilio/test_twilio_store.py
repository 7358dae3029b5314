"""The stored conversation (``bot.rasa.channels.twilio.store``): the notice once per conversation,
BORRAR erasing it and its waiting SMS pages, pages shared by servers on one database, and the
agent's own tracker store found inside a real Rasa server."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sanic import Sanic

from bot import sms
from bot.privacy import pseudonym
from bot.rasa.channels import texts
from tests.unit.twilio.support import (
    ANSWER,
    FALLBACK,
    KEY,
    MENU,
    NUMBER,
    StandIn,
    live,
    make_app,
    make_channel,
    messages,
    notice,
    post,
    stored_rows,
    twilio_params,
)

# First contact ------------------------------------------------------------------------------------


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


# Erasure ------------------------------------------------------------------------------------------


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

    assert reply == [sms.to_gsm7(texts.say("erased", language))]
    assert stored_rows(db, me) == 0
    assert stored_rows(db, other) == kept
    assert len(handler.received) == handled  # the erase request never reached Rasa, nor the store


def test_erase_request_over_whatsapp_erases_the_sms_conversation_too(server: str, db: Path) -> None:
    post(server, twilio_params("hola"))
    assert messages(post(server, twilio_params("borrar", sender="whatsapp:" + NUMBER))) == [texts.say("erased", "es")]
    assert stored_rows(db, pseudonym(NUMBER, KEY)) == 0


def test_erase_request_with_nothing_stored(server: str) -> None:
    assert messages(post(server, twilio_params("BORRAR"))) == [sms.to_gsm7(texts.say("nothing_stored", "es"))]


def test_borrar_inside_a_sentence_is_an_ordinary_message(server: str, handler: StandIn) -> None:
    post(server, twilio_params("como borrar mis antecedentes penales"))
    assert handler.received[-1].text == "como borrar mis antecedentes penales"


def test_borrar_erases_the_waiting_pages_too(server: str, handler: StandIn, db: Path) -> None:
    import sqlite3

    post(server, twilio_params("hola"))
    handler.reply = [ANSWER, MENU]
    post(server, twilio_params("asilo"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ruta_sms_pages").fetchone()[0] == 1
    assert messages(post(server, twilio_params("BORRAR"))) == [sms.to_gsm7(texts.say("erased", "es"))]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ruta_sms_pages").fetchone()[0] == 0
    handler.reply = "Hola de nuevo."
    assert messages(post(server, twilio_params("1")))[-1].endswith("Hola de nuevo.")


# Pages where the conversations are ----------------------------------------------------------------


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
    assert erased == [sms.to_gsm7(texts.say("erased", "es"))]
    assert stored_rows(agent_db, me) == 0
