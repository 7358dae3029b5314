"""Fitting the reply (``bot.rasa.channels.twilio.reply``): SMS answers whole or in pages asked for
with "1", WhatsApp whole, the parts Ruta's actions attach, the first-contact notice beside them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import SQLTrackerStore

from bot import sms
from tests.unit.twilio.support import (
    ANSWER,
    MENU,
    NUMBER,
    StandIn,
    as_rasa_sends,
    body_of,
    live,
    make_app,
    make_channel,
    messages,
    notice,
    post,
    read_pages,
    twilio_params,
)

# WhatsApp -----------------------------------------------------------------------------------------


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


def test_whatsapp_never_pages(server: str, handler: StandIn) -> None:
    handler.reply = [ANSWER, MENU]
    pieces = messages(post(server, twilio_params("asilo", sender="whatsapp:" + NUMBER)))
    assert "(the full text REST shows)" in pieces[-1] and "sigue" not in "".join(pieces)
    asked = len(handler.received)
    post(server, twilio_params("1", sender="whatsapp:" + NUMBER))
    assert len(handler.received) == asked + 1


def test_whatsapp_answer_longer_than_twilio_allows_is_split(server: str, handler: StandIn) -> None:
    handler.reply = ["Primera parte. " * 80, "Segunda parte. " * 80]  # 2 × 1,200 characters
    pieces = messages(post(server, twilio_params("asilo", sender="whatsapp:" + NUMBER)))
    assert len(pieces) >= 2
    assert all(len(p) <= 1600 for p in pieces)


# SMS: answers whole, in pages ---------------------------------------------------------------------


def test_a_long_sms_answer_arrives_whole_across_pages_without_asking_rasa(server: str, handler: StandIn) -> None:
    post(server, twilio_params("hola"))  # the notice is out of the way
    handler.reply = [ANSWER, MENU]
    first = messages(post(server, twilio_params("asilo")))
    asked = len(handler.received)
    pages = read_pages(server, first)
    assert len(handler.received) == asked  # every "1" was answered from the stored pages
    assert len(pages) >= 3 and all(sms.segments(p) <= 3 for p in pages)
    body = " ".join(body_of(pages).split())
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
            for event in [*as_rasa_sends(ANSWER, as_custom=False), *as_rasa_sends(MENU, as_custom=False)]:
                await message.output_channel.send_response(message.sender_id, event.message())

    handler = Keyword(store)
    channel = make_channel(db)
    with live(make_app(channel, handler), channel) as base:
        first = messages(post(base, twilio_params("asilo")))
        assert first[-1].endswith("\n1 sigue (1/4)")
        whatsapp = messages(post(base, twilio_params("asilo", sender="whatsapp:+50677770000")))
    assert "(the full text REST shows)" in whatsapp[-1] and "Paso 1" not in "".join(whatsapp)


def test_any_other_message_drops_the_pages(server: str, handler: StandIn) -> None:
    post(server, twilio_params("hola"))
    handler.reply = [ANSWER, MENU]
    assert messages(post(server, twilio_params("asilo")))[-1].endswith("(1/4)")
    handler.reply = "Puedes pedir asilo en la COMAR."
    post(server, twilio_params("y en Guatemala?"))
    asked = len(handler.received)
    assert messages(post(server, twilio_params("1"))) == ["Puedes pedir asilo en la COMAR."]
    assert len(handler.received) == asked + 1  # "1" went to Rasa: no stale page 2


def test_first_contact_notice_never_pushes_the_answer_out(server: str, handler: StandIn) -> None:
    body = "Pide asilo en la COMAR, la Comisión Mexicana de Ayuda a Refugiados. " * 4  # 276 characters
    handler.reply = [{**ANSWER, "ruta": {**ANSWER["ruta"], "body": body}}, MENU]
    reply = messages(post(server, twilio_params("asilo")))
    assert any(sms.to_gsm7(body.strip()) in m for m in reply)
    assert "BORRAR" in reply[0] and all(sms.segments(m) <= 3 for m in reply)
