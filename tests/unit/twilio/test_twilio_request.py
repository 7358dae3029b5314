"""Reading a request (``bot.rasa.channels.twilio.request``): the signature, the form, the message,
the pin; bad input never gives a 500 and the phone number never leaves the request."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot import sms
from bot.privacy import pseudonym
from bot.rasa.channels import texts
from bot.rasa.channels.twilio import TwilioChannel
from bot.rasa.channels.twilio.request import (
    MAX_BODY,
    Form,
    clean_body,
    location_message,
    parse_form,
    parse_location,
    read_inbound,
    scrub,
)
from tests.unit.twilio.support import (
    KEY,
    NUMBER,
    PATH,
    TOKEN,
    StandIn,
    live,
    make_app,
    make_channel,
    messages,
    post,
    stored_rows,
    twilio_params,
)

# Signature ----------------------------------------------------------------------------------------


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


# The phone number never leaves the request --------------------------------------------------------


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


# WhatsApp pins, media, typed commands -------------------------------------------------------------


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
    assert messages(post(server, params)) == [texts.every_language("empty")]
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
    assert messages(post(server, params)) == [texts.every_language("media_only")]
    assert handler.received == []


# Bad input never gives a 500 ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [None, "", "   ", "\x00\x01"])
def test_missing_or_empty_body_gets_a_prompt(server: str, handler: StandIn, body: str | None) -> None:
    assert messages(post(server, twilio_params(body))) == [sms.to_gsm7(texts.every_language("empty"))]
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


# The request's pieces, without a server -----------------------------------------------------------


def test_the_form_keeps_blank_fields_because_twilio_signs_them() -> None:
    form = parse_form(b"From=%2B50255501234&Body=&FromCity=&NumMedia=0")
    assert form.getlist("Body") == [""] and form.first("FromCity") == "" and form.first("Missing") == ""
    assert parse_form(b"&".join(b"f%d=1" % i for i in range(300))) == {}  # too many fields: not Twilio


def test_the_body_is_cleaned_for_nlu() -> None:
    assert clean_body("\ufeff/share_location{}\x00\r\n") == "share_location{}"
    assert clean_body("hola\tamigo\r\nbuenas") == "hola amigo\nbuenas"
    assert len(clean_body("a" * 5000)) == MAX_BODY


def test_a_pin_is_rounded_and_only_numbers_make_its_message() -> None:
    assert parse_location(Form(Latitude=["14.634915"], Longitude=["-90.506882"])) == (14.63, -90.51)
    assert parse_location(Form(Latitude=["91"], Longitude=["0"])) is None
    assert parse_location(Form(Latitude=["inf"], Longitude=["0"])) is None
    assert parse_location(Form()) is None
    assert location_message(14.63, -90.51) == '/share_location{"lat": 14.63, "lon": -90.51}'


def test_the_inbound_message_is_pseudonymous() -> None:
    form = Form(From=["whatsapp:" + NUMBER], Body=[" hola "], NumMedia=["x"])
    inbound = read_inbound(form, KEY)
    assert inbound is not None and inbound.whatsapp and inbound.text == "hola" and inbound.media == 0
    assert inbound.sender_id == pseudonym("whatsapp:" + NUMBER, KEY) and NUMBER not in repr(inbound)
    assert read_inbound(Form(Body=["hola"]), KEY) is None


def test_logged_errors_lose_anything_shaped_like_a_number() -> None:
    logged = scrub(ValueError(f"no route for {NUMBER} or +1 (555) 010-9999"))
    assert NUMBER.lstrip("+") not in logged and "555" not in logged and logged.startswith("ValueError: ")
