"""Twilio webhook against the real Rasa server and model, with requests signed by the twilio library."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import TWILIO_TOKEN
from tests.e2e.servers import Ruta


def _number() -> str:
    return "+5025" + str(uuid.uuid4().int)[:7]


def _post(ruta: Ruta, form: dict[str, str], sign: bool = True, token: str = TWILIO_TOKEN) -> requests.Response:
    url = f"{ruta.url}/webhooks/twilio/webhook"
    headers = {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form)} if sign else {}
    return requests.post(url, data=form, headers=headers, timeout=20)


def _rows(ruta: Ruta) -> list[tuple[str, str]]:
    db = ruta.env["RUTA_DB_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        return conn.execute("select sender_id, data from events").fetchall()


def test_signed_sms_gets_a_spanish_twiml_answer_without_storing_the_number(ruta: Ruta) -> None:
    number = _number()
    reply = _post(
        ruta, {"From": number, "To": "+15005550006", "Body": "como pido asilo en mexico", "MessageSid": "SM1"}
    )
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/xml")
    assert "<Response><Message>" in reply.text and "COMAR" in reply.text
    assert "BORRAR" in reply.text  # first message: what is stored and how to erase it
    db_bytes = Path(ruta.env["RUTA_DB_URL"].removeprefix("sqlite:///")).read_bytes()
    assert number.encode() not in db_bytes and number[1:].encode() not in db_bytes
    for log in ("rasa.log", "actions.log"):
        assert number[1:] not in (ruta.workdir / log).read_text(errors="replace")


def test_forged_or_unsigned_requests_are_refused_and_store_nothing(ruta: Ruta) -> None:
    before = len(_rows(ruta))
    form = {"From": _number(), "Body": "hola"}
    assert _post(ruta, form, sign=False).status_code == 403
    assert _post(ruta, form, token="not-the-real-token").status_code == 403
    assert len(_rows(ruta)) == before


def test_borrar_removes_the_conversation(ruta: Ruta) -> None:
    from bot import privacy
    from tests.e2e.conftest import PSEUDONYM_KEY

    number = _number()
    sender = privacy.pseudonym(number, PSEUDONYM_KEY.encode())
    assert _post(ruta, {"From": number, "Body": "hola"}).status_code == 200
    assert any(s == sender for s, _ in _rows(ruta))
    reply = _post(ruta, {"From": number, "Body": "BORRAR"})
    assert "borramos" in reply.text
    assert not any(s == sender for s, _ in _rows(ruta))


def test_whatsapp_location_pin_gets_the_nearest_places(ruta: Ruta) -> None:
    reply = _post(
        ruta,
        {"From": "whatsapp:" + _number(), "Body": "", "Latitude": "14.9054", "Longitude": "-92.2589", "NumMedia": "0"},
    )
    assert reply.status_code == 200
    assert "COMAR" in reply.text and "Tapachula" in reply.text


def test_media_empty_huge_and_broken_bodies_never_give_500(ruta: Ruta) -> None:
    number = _number()
    assert "texto" in _post(ruta, {"From": "whatsapp:" + number, "Body": "", "NumMedia": "1"}).text
    assert _post(ruta, {"From": number}).status_code == 200
    assert _post(ruta, {"From": number, "Body": "asilo " * 2000}).status_code == 200
    url = f"{ruta.url}/webhooks/twilio/webhook"
    raw = b"From=%2B50255555555&Body=%FF%FE%80hola&Unknown=1"
    form = {"From": "+50255555555", "Body": "\ufffd\ufffd\ufffdhola", "Unknown": "1"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    response = requests.post(
        url,
        data=raw,
        headers={"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=20,
    )
    assert response.status_code == 200
