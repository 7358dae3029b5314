"""Reading a Twilio webhook: its form, its signature, and the message inside it, pseudonymised.

Why by hand: Sanic's ``request.form`` drops blank values, which Twilio signs too, so the body is
parsed here; the phone number is replaced by ``privacy.pseudonym`` before anything else sees it;
what a person types is cleaned for NLU (no control characters, no leading "/", so nobody can
trigger intents by hand), and a WhatsApp pin becomes ``/share_location{"lat": …, "lon": …}`` built
only from numbers parsed here.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs

from sanic.request import Request
from twilio.request_validator import RequestValidator

from bot import privacy

MAX_BODY = 1600
"""Characters of a message passed to NLU; longer bodies are cut (Twilio's own limit is 1,600)."""
MAX_REQUEST_BYTES = 64 * 1024
"""Largest request read at all: a real Twilio webhook (1,600 characters, percent-encoded) is < 25 kB."""
LOCATION_DECIMALS = 2
"""A pin is stored to ~1 km: enough to find the nearest office, too coarse to find a person."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffd\ufffe\uffff]")
_NUMBERISH = re.compile(r"\+?\d[\d\s().-]{5,}\d")


class Form(dict[str, list[str]]):
    """Twilio's POST fields with blank values kept, because Twilio signs those too.

    (Sanic's ``request.form`` drops blank values, which breaks the signature of real Twilio
    requests such as an empty ``Body`` or ``FromCity``.) ``getlist`` is what
    ``RequestValidator`` calls.
    """

    def getlist(self, name: str) -> list[str]:
        return self.get(name, [])

    def first(self, name: str) -> str:
        values = self.get(name)
        return values[0] if values else ""


def parse_form(body: bytes) -> Form:
    """Decode an ``application/x-www-form-urlencoded`` body; broken UTF-8 becomes U+FFFD."""
    try:
        fields = parse_qs(
            body.decode("utf-8", errors="replace"), keep_blank_values=True, errors="replace", max_num_fields=200
        )
    except ValueError:  # too many fields: not Twilio
        return Form()
    return Form(fields)


def signature_ok(validator: RequestValidator | None, request: Request, form: Form, public_url: str | None) -> bool:
    """Whether ``X-Twilio-Signature`` signs this form at the URL Twilio posted to.

    Behind a proxy Twilio signs the public address, not the one the server sees: ``public_url``.
    """
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or validator is None:
        return False
    if public_url:
        url = public_url + request.path
        if request.query_string:
            url += "?" + request.query_string
    else:
        url = request.url
    return validator.validate(url, form, signature)


def strip_control(text: str) -> str:
    """``text`` without control characters (nor the replacement characters broken UTF-8 leaves)."""
    return _CONTROL.sub("", text)


def clean_body(raw: str) -> str:
    """The person's text, safe for NLU: control characters out, at most MAX_BODY characters.

    A leading "/" is dropped so typed text never reaches Rasa as an ``/intent{...}`` command.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = strip_control(text).strip().lstrip("/").strip()
    return text[:MAX_BODY]


def parse_location(form: Form) -> tuple[float, float] | None:
    """A valid (lat, lon) from WhatsApp's Latitude/Longitude fields, rounded; else None."""
    try:
        lat, lon = float(form.first("Latitude")), float(form.first("Longitude"))
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        return None
    return round(lat, LOCATION_DECIMALS), round(lon, LOCATION_DECIMALS)


def location_message(lat: float, lon: float) -> str:
    """The ``/intent{json}`` text for a pin; only ever built from parsed floats."""
    return "/share_location" + json.dumps({"lat": float(lat), "lon": float(lon)})


def scrub(exc: BaseException) -> str:
    """An exception for the log with anything shaped like a phone number removed."""
    return _NUMBERISH.sub("<number>", f"{type(exc).__name__}: {exc}")[:300]


@dataclass(frozen=True)
class Inbound:
    """One incoming Twilio message, already pseudonymised: the number itself is not kept."""

    sender_id: str
    whatsapp: bool
    text: str
    location: tuple[float, float] | None
    media: int


def read_inbound(form: Form, key: bytes) -> Inbound | None:
    """The parts of a Twilio request Ruta uses; None when there is no sender."""
    sender = form.first("From").strip()
    if not sender:
        return None
    try:
        media = int(form.first("NumMedia") or 0)
    except ValueError:
        media = 0
    return Inbound(
        sender_id=privacy.pseudonym(sender, key),
        whatsapp=sender.lower().startswith("whatsapp:"),
        text=clean_body(form.first("Body")),
        location=parse_location(form),
        media=media,
    )
