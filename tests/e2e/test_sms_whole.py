"""SMS answers arrive whole, over the signed Twilio webhook of the real servers (issue 14).

A long answer ("1 Más detalles") comes in pages the person asks for with "1"; every sentence
arrives, none is cut, and the pages after the first are served without asking Rasa again.
"""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from bot import privacy, sms
from bot.kb.loader import load
from tests.e2e.conftest import PSEUDONYM_KEY, TWILIO_TOKEN
from tests.e2e.servers import Ruta

_HINT = re.compile(r"\n1 sigue \((\d+)/(\d+)\)$")


def _sms(ruta: Ruta, number: str, body: str) -> list[str]:
    url = f"{ruta.url}/webhooks/twilio/webhook"
    form = {"From": number, "To": "+15005550006", "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    reply = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
    assert reply.status_code == 200, reply.text
    return [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]


def _greet(ruta: Ruta, number: str) -> None:
    """A first message, stored before the next one (so the privacy notice is out of the way)."""
    _sms(ruta, number, "hola")
    sender = privacy.pseudonym(number, PSEUDONYM_KEY.encode())
    db = ruta.env["RUTA_DB_URL"].removeprefix("sqlite:///")
    deadline = time.monotonic() + 60  # a cold, busy server may answer the greeting with the fallback
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            if conn.execute("select 1 from events where sender_id = ? limit 1", (sender,)).fetchone():
                return
        time.sleep(0.5)
    raise AssertionError("the greeting was never stored")


def _user_turns(ruta: Ruta) -> int:
    with sqlite3.connect(ruta.env["RUTA_DB_URL"].removeprefix("sqlite:///")) as conn:
        return conn.execute("select count(*) from events where type_name = 'user'").fetchone()[0]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_long_answer_arrives_whole_across_pages(ruta: Ruta, kb_dir: Path) -> None:
    entry = load(kb_dir).entry("mexico", "asylum")
    assert entry is not None and entry.more is not None
    number = "+5025" + str(uuid.uuid4().int)[:7]
    _greet(ruta, number)

    (answer,) = _sms(ruta, number, "como pido asilo en mexico")
    assert sms.to_gsm7(entry.summary.es) in answer  # the summary, whole, in one SMS
    assert re.search(r"Fuente: .*\b20\d\d\b", answer) and sms.segments(answer) <= 3
    assert "1 Mas detalles" in answer  # the menu may shrink, but "more" stays reachable

    pages = _sms(ruta, number, "1")  # 1 Más detalles: longer than one SMS
    assert len(pages) == 1 and _HINT.search(pages[0]), pages
    turns = _user_turns(ruta)
    while _HINT.search(pages[-1]):
        (page,) = _sms(ruta, number, "1")
        pages.append(page)
    assert _user_turns(ruta) == turns  # the next pages came from the stored pages, not from Rasa
    total = int(_HINT.search(pages[0]).group(2))
    assert len(pages) == total >= 2
    assert all(sms.is_gsm7(p) and sms.segments(p) <= 3 for p in pages)
    read = _flat(" ".join(_HINT.sub("", p) for p in pages))
    assert _flat(sms.to_gsm7(entry.more.es)) in read  # every sentence of "more", in order, none cut
    assert re.search(r"Fuente: .*\b20\d\d\b", pages[-1]) and pages[-1].rstrip().endswith("0 Menu")

    _sms(ruta, number, "1")  # after the last page, "1" is an ordinary message again
    assert _user_turns(ruta) == turns + 1


def test_borrar_drops_the_pages_waiting_for_the_number(ruta: Ruta) -> None:
    number = "+5025" + str(uuid.uuid4().int)[:7]
    _greet(ruta, number)
    _sms(ruta, number, "asilo en mexico")
    assert _HINT.search(_sms(ruta, number, "1")[-1])  # page 1 of "more", page 2 waiting
    assert "borramos" in _sms(ruta, number, "BORRAR")[0]
    turns = _user_turns(ruta)
    _sms(ruta, number, "1")
    assert _user_turns(ruta) == turns + 1  # no page left: the "1" went to Rasa
