"""Twilio SMS and WhatsApp channel: POST /webhooks/twilio/webhook, answered in TwiML.

Why not Rasa's stock ``twilio`` channel: it does not check Twilio's signature (anyone could post
messages as anyone), stores the phone number as the conversation id, answers through the REST API
(so replies need an account SID and arrive whenever Rasa finishes), and sends nothing when the
action server is down. Here every request is verified, the number is replaced by
``privacy.pseudonym`` before Rasa sees it, and the reply goes back in the HTTP response itself:
within ``reply_timeout`` seconds the person gets the bot's answer or, failing that, a short
bilingual "try again / call 911" message, so nobody in trouble is left with silence.

``credentials.yml``::

    bot.rasa.channels.twilio.TwilioChannel:
      # auth_token: read from TWILIO_AUTH_TOKEN; do not write the token here
      public_url: https://ruta.example.org   # as Twilio sees it (behind a proxy); or RUTA_PUBLIC_URL
      reply_timeout: 8                       # seconds; Twilio gives up at 15
      sms_segments: 3                        # or RUTA_SMS_SEGMENTS
      gsm7: true                             # or RUTA_SMS_GSM7
      dev_skip_signature: false              # default: true only with RUTA_DEV=1 and no token

On SMS the reply is fitted from its parts (``bot/sms_fit.py``): the answer arrives whole, the
menu and source line shrink first, and a reply still too long is sent in pages the person asks
for with "1" (kept in the tracker's database, ``bot/sms_pages.py``). WhatsApp gets the full text.

A WhatsApp location pin becomes the message ``/share_location{"lat": 14.63, "lon": -90.51}``,
which Rasa's RegexMessageHandler turns into intent ``share_location`` with entities ``lat`` and
``lon`` (the domain must declare them). That text is built only from numbers parsed here; a
leading "/" is removed from what people type, so nobody can trigger intents by hand.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import fallback, privacy, replay, sms, sms_fit, sms_pages
from bot.config import Settings
from bot.language import decide
from bot.rasa import erasure
from bot.text import fold

logger = logging.getLogger(__name__)

MAX_BODY = 1600
"""Characters of a message passed to NLU; longer bodies are cut (Twilio's own limit is 1,600)."""
DEFAULT_REPLY_TIMEOUT = 8.0
"""Seconds before the fallback reply: well inside Twilio's 15 s, and under 10 s end to end."""
MAX_REPLY_TIMEOUT = 13.0
"""Twilio abandons a webhook after 15 s; the whole answer (look-ups included) fits in reply_timeout."""
STORE_TIMEOUT = 2.0
"""Seconds allowed for the 'is this a new conversation?' look-up and for an erasure."""
LOCATION_DECIMALS = 2
"""A pin is stored to ~1 km: enough to find the nearest office, too coarse to find a person."""

MAX_REQUEST_BYTES = 64 * 1024
"""Largest request read at all: a real Twilio webhook (1,600 characters, percent-encoded) is < 25 kB."""

# The fallback for the shipped content, for tests and docs. What the channel sends is
# ``bot.fallback``'s text, built from the emergency numbers of the last good country files.
FALLBACK = (
    "Ruta no puede responder ahora. Intenta de nuevo en unos minutos. "
    "Si estás en peligro, llama al 911 (110 en Guatemala).\n"
    "Ruta cannot answer right now. Try again in a few minutes. "
    "If you are in danger, call 911 (110 in Guatemala)."
)
MEDIA_ONLY = "Solo puedo leer texto. Escribe tu pregunta, por favor.\nI can only read text. Please type your question."
EMPTY = "Escribe tu pregunta, por ejemplo: asilo en México.\nType your question, for example: asylum in Mexico."
NOTICE = {
    "es": "Ruta guarda tus mensajes {days} días con un código, no con tu número. Para borrarlos, escribe BORRAR.",
    "en": "Ruta keeps your messages for {days} days under a code, not your phone number. To erase them, send DELETE.",
}
NOTICE_SHORT = {
    "es": "Guardamos tus mensajes {days} días sin tu número. BORRAR los borra.",
    "en": "We keep your messages {days} days without your number. DELETE erases them.",
}
"""On SMS, when the whole notice would not fit beside the answer."""
ERASED = {
    "es": "Listo: borramos tus mensajes guardados. Si vuelves a escribir, empieza una conversación nueva.",
    "en": "Done: your stored messages were erased. If you write again, a new conversation starts.",
}
NOTHING_STORED = {
    "es": "No hay mensajes tuyos guardados: no queda nada que borrar.",
    "en": "There are no stored messages from you: nothing to erase.",
}
ERASE_FAILED = {
    "es": "No pudimos borrar tus mensajes ahora. Intenta de nuevo en unos minutos.",
    "en": "We could not erase your messages right now. Please try again in a few minutes.",
}
ERASE_REQUESTS = {"borrar": "es", "borrar mis datos": "es", "delete": "en", "delete my data": "en"}
"""Whole messages (after ``fold``: any case, accents, punctuation) that erase the conversation."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffd\ufffe\uffff]")
_NUMBERISH = re.compile(r"\+?\d[\d\s().-]{5,}\d")


class ChannelSetupError(RasaException):
    """The channel cannot start safely; the message says which setting to fix."""


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


def clean_body(raw: str) -> str:
    """The person's text, safe for NLU: control characters out, at most MAX_BODY characters.

    A leading "/" is dropped so typed text never reaches Rasa as an ``/intent{...}`` command.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL.sub("", text).strip().lstrip("/").strip()
    return text[:MAX_BODY]


def erase_language(text: str) -> str | None:
    """'es' or 'en' when the whole message asks to erase the conversation, else None."""
    return ERASE_REQUESTS.get(fold(text)) if len(text) < 40 else None


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


class PartsCollector(CollectingOutputChannel):
    """Collects the bot's messages whole, each with the ``ruta`` parts Ruta's actions attach.

    Rasa hands every key of an action's message to ``send_text_message``: a custom payload
    (``json_message={"ruta": ...}``) as ``custom``, an extra ``utter_message`` keyword
    (``ruta=...``, kept in the utterance's metadata) as itself. Either way the parts stay with
    their text here; the custom payload Rasa then sends on its own is dropped, as it is already
    attached. The stock collector would also split a text at blank lines; SMS wants it whole.
    """

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        message = self._message(recipient_id, text=text)
        custom = kwargs.get("custom")
        ruta = kwargs.get("ruta") or (custom.get("ruta") if isinstance(custom, dict) else None)
        if isinstance(ruta, dict):
            message["ruta"] = ruta
        await self._persist_message(message)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if isinstance(json_message, dict) and set(json_message) == {"ruta"}:
            return  # the parts of the text just collected, already attached to it
        await super().send_custom_json(recipient_id, json_message, **kwargs)


def _clean(value: Any) -> Any:
    """Control characters out of every string of a ``ruta`` payload."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def bot_parts(messages: list[dict[str, Any]]) -> list[sms_fit.Part]:
    """The bot's messages as SMS parts: structured where Ruta sent parts, else plain text."""
    parts = []
    for message in messages:
        text = _lines(message)
        if text:
            ruta = None if message.get("buttons") else _clean(message.get("ruta"))
            parts.append(sms_fit.Part.from_message({"text": text, "ruta": ruta}))
    return parts


def _lines(message: dict[str, Any]) -> str:
    lines = [message["text"]] if message.get("text") else []
    for number, button in enumerate(message.get("buttons") or [], start=1):
        if button.get("title"):
            lines.append(f"{number}. {button['title']}")
    return _CONTROL.sub("", "\n".join(lines))


def bot_texts(messages: list[dict[str, Any]]) -> list[str]:
    """Texts collected from Rasa, buttons written out as numbered lines (SMS has no buttons)."""
    return [text for text in (_lines(m) for m in messages) if text]


def _flag(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


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


class TwilioChannel(InputChannel):
    """Twilio SMS and WhatsApp, verified, pseudonymous, answered in TwiML within the timeout."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioChannel:
        """Settings from ``credentials.yml`` with environment fallbacks (see the module doc)."""
        creds = dict(credentials or {})
        settings = Settings.from_env()
        try:
            reply_timeout = float(creds.get("reply_timeout") or DEFAULT_REPLY_TIMEOUT)
            segments = int(creds.get("sms_segments") or settings.sms_segments)
        except ValueError as exc:
            raise ChannelSetupError(f"twilio: reply_timeout and sms_segments must be numbers ({exc}).") from exc
        auth_token = creds.get("auth_token") or os.environ.get("TWILIO_AUTH_TOKEN")
        return cls(
            auth_token=auth_token,
            public_url=creds.get("public_url") or os.environ.get("RUTA_PUBLIC_URL"),
            # RUTA_DEV=1 skips signatures only where there is no token to check them with.
            dev_skip_signature=_flag(
                creds.get("dev_skip_signature"), os.environ.get("RUTA_DEV") == "1" and not auth_token
            ),
            reply_timeout=reply_timeout,
            sms_segments=segments,
            gsm7=_flag(creds.get("gsm7"), settings.sms_gsm7),
            tracker_db_url=settings.tracker_db_url,
            retention_days=settings.retention_days,
        )

    def __init__(
        self,
        auth_token: str | None,
        *,
        public_url: str | None = None,
        dev_skip_signature: bool = False,
        reply_timeout: float = DEFAULT_REPLY_TIMEOUT,
        sms_segments: int = 3,
        gsm7: bool = True,
        tracker_db_url: str | None = None,
        retention_days: int = 90,
        pseudonym_key: bytes | None = None,
    ) -> None:
        if not auth_token and not dev_skip_signature:
            raise ChannelSetupError(
                "twilio: no auth token. Set TWILIO_AUTH_TOKEN to the Auth Token shown in the Twilio "
                "console (Account > API keys & tokens), or RUTA_DEV=1 for local testing without signatures."
            )
        if reply_timeout <= 0:
            raise ChannelSetupError("twilio: reply_timeout must be more than 0 seconds.")
        if reply_timeout > MAX_REPLY_TIMEOUT:
            logger.warning(
                "twilio: reply_timeout %.1f s is too close to Twilio's 15 s limit; using %.0f s.",
                reply_timeout,
                MAX_REPLY_TIMEOUT,
            )
            reply_timeout = MAX_REPLY_TIMEOUT
        if sms_segments < 1:
            raise ChannelSetupError("twilio: sms_segments must be 1 or more.")
        try:
            self._key = pseudonym_key if pseudonym_key is not None else privacy.pseudonym_key()
        except privacy.PseudonymKeyError as exc:
            raise ChannelSetupError(str(exc)) from exc
        self._validator = RequestValidator(auth_token) if auth_token else None
        self.skip_signature = dev_skip_signature
        if dev_skip_signature:
            logger.warning(
                "twilio: Twilio signatures are NOT checked (development mode). Anyone who can "
                "reach this server can post messages. Never run like this with real people."
            )
        self.public_url = public_url.rstrip("/") if public_url else None
        self.reply_timeout = reply_timeout
        self.sms_segments = sms_segments
        self.gsm7 = gsm7
        self.tracker_db_url = tracker_db_url or Settings.from_env().tracker_db_url
        self.retention_days = retention_days
        self._background: set[asyncio.Task] = set()  # keeps running tasks referenced
        self._fallback = fallback.shared(Settings.from_env().kb_path)
        self._replays = replay.ReplayGuard(self._key, os.environ.get("RUTA_REDIS_URL") or None)
        self._memory_pages = sms_pages.MemoryPages()  # only when the tracker store is not SQL

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / for health checks, POST /webhook for Twilio."""
        bp = Blueprint("ruta_twilio", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                if len(request.body or b"") > MAX_REQUEST_BYTES:  # not Twilio: refused before parsing
                    return response.text("Request too large.", status=413)
                form = parse_form(request.body or b"")
                if not self._signature_ok(request, form):
                    logger.warning("twilio: refused a request without a valid X-Twilio-Signature.")
                    return response.text("Forbidden: missing or invalid Twilio signature.", status=403)
                target = self._sql_target(self._stores(request)[1])
                if not await self._replays.first_time(form.first("MessageSid") or form.first("SmsSid"), target):
                    logger.info("twilio: a MessageSid seen before was not processed again (replay or retry).")
                    return self._twiml([], whatsapp=False)
                return await self._respond(request, form, on_new_message)
            except Exception as exc:  # noqa: BLE001 - a person must get an answer, never a 500
                logger.error("twilio: could not handle a message: %s", scrub(exc))
                return self._twiml([self._fallback.text()], whatsapp=False)

        return bp

    def _signature_ok(self, request: Request, form: Form) -> bool:
        if self.skip_signature:
            return True
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or self._validator is None:
            return False
        if self.public_url:
            url = self.public_url + request.path
            if request.query_string:
                url += "?" + request.query_string
        else:
            url = request.url
        return self._validator.validate(url, form, signature)

    async def _respond(
        self, request: Request, form: Form, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        inbound = read_inbound(form, self._key)
        if inbound is None:
            logger.warning("twilio: signed request without a sender (From); answered with nothing.")
            return self._twiml([], whatsapp=False)
        language = erase_language(inbound.text)
        if language is not None:  # before anything else, and the request itself is not stored
            return self._twiml([await self._erase(request, inbound.sender_id, language)], inbound.whatsapp)
        if inbound.location is None and not inbound.text:
            return self._twiml([MEDIA_ONLY if inbound.media else EMPTY], inbound.whatsapp)
        if not inbound.whatsapp and inbound.location is None and sms_fit.is_continue(inbound.text):
            page = await self._next_page(request, inbound.sender_id)
            if page is not None:  # "1" right after a paged reply: the next page, without Rasa
                return self._reply([page])
        started = asyncio.get_running_loop().time()
        first = not await self._has_conversation(request, inbound.sender_id)
        budget = max(1.0, self.reply_timeout - (asyncio.get_running_loop().time() - started))
        messages = await self._ask_rasa(inbound, on_new_message, budget)
        language = decide(inbound.text, None) if inbound.text else "es"
        if inbound.whatsapp:
            texts = bot_texts(messages)
            if first:
                texts.insert(0, NOTICE[language].format(days=self.retention_days))
            return self._twiml(texts, whatsapp=True)
        notice = None
        if first:
            forms = (NOTICE[language], NOTICE_SHORT[language])
            notice = sms_fit.Part("notice", tuple(f.format(days=self.retention_days) for f in forms))
        parts = bot_parts(messages)
        fitted = sms_fit.fit(parts, self.sms_segments, self.gsm7, notice, sms_fit.language_of(parts, language))
        await self._keep_pages(request, inbound.sender_id, fitted.pages)
        return self._reply(fitted.messages)

    async def _ask_rasa(
        self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]], timeout: float
    ) -> list[dict[str, Any]]:
        """The bot's messages, or FALLBACK when it fails, says nothing, or is slower than ``timeout``.

        The task is shielded: after a timeout it keeps running, so the message is still processed
        and stored (the person's next message continues from it).
        """
        metadata: dict[str, Any] = {"channel": "whatsapp" if inbound.whatsapp else "sms"}
        text = inbound.text
        if inbound.location is not None:
            lat, lon = inbound.location
            metadata["location"] = {"lat": lat, "lon": lon}
            text = location_message(lat, lon)
        collector = PartsCollector()
        message = UserMessage(text, collector, inbound.sender_id, input_channel=self.name(), metadata=metadata)
        task = asyncio.ensure_future(on_new_message(message))
        self._keep(task)
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
        except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
            logger.warning(
                "twilio: no answer within %.1f s; sent the fallback (the message is still processed).", timeout
            )
            task.add_done_callback(_log_late_failure)
            return [{"text": self._fallback.text()}]
        except Exception as exc:  # noqa: BLE001 - Rasa or the action server failed: answer anyway
            logger.error("twilio: the assistant failed on a message: %s", scrub(exc))
            return [{"text": self._fallback.text()}]
        if not bot_texts(collector.messages):
            logger.warning("twilio: the assistant returned no text; sent the fallback.")
            return [{"text": self._fallback.text()}]
        return collector.messages

    def _twiml(self, texts: list[str], whatsapp: bool) -> HTTPResponse:
        """TwiML for Ruta's own short texts: SMS fitted to the segment budget; WhatsApp everything."""
        if whatsapp:
            return self._reply(sms.chunks("\n\n".join(t.strip() for t in texts if t.strip())))
        parts = [sms_fit.Part.text(t) for t in texts]
        return self._reply(sms_fit.fit(parts, self.sms_segments, self.gsm7).messages)

    @staticmethod
    def _reply(bodies: list[str]) -> HTTPResponse:
        """One TwiML <Message> per body, in order."""
        reply = MessagingResponse()
        for body in bodies:
            if body:
                reply.message(body)
        return HTTPResponse(str(reply), content_type="application/xml")

    def _keep(self, task: asyncio.Future) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # Where the conversations are -------------------------------------------------------------

    def _stores(self, request: Request) -> tuple[Any, Any]:
        """(agent, innermost tracker store) of the running Rasa server, or (None, None).

        Rasa keeps its Agent at ``app.ctx.agent`` and wraps the configured store in
        FailSafeTrackerStore (and AwaitableTrackerStore for old stores); both keep the wrapped
        store in ``_tracker_store``.
        """
        return erasure.stores(request.app)

    def _sql_target(self, store: Any) -> privacy.DbTarget | None:
        """The agent's SQL engine; RUTA_DB_URL when no agent is running; None for other stores."""
        return erasure.sql_target(store, self.tracker_db_url)

    def _pages(self, request: Request) -> sms_pages.Pages:
        """Pages live where the conversations do: the tracker's SQL database, else this process."""
        _, store = self._stores(request)
        target = self._sql_target(store)
        return sms_pages.SqlPages(target) if target is not None else self._memory_pages

    async def _next_page(self, request: Request, sender_id: str) -> str | None:
        """The next page of the last paged reply; None (ask Rasa) when there is none or on error."""
        try:
            pages = self._pages(request)
            return await asyncio.wait_for(asyncio.to_thread(pages.next, sender_id), timeout=STORE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - the message goes to Rasa instead
            logger.warning("twilio: could not read the next SMS page (%s).", scrub(exc))
            return None

    async def _keep_pages(self, request: Request, sender_id: str, pages: list[str]) -> None:
        """Keep the pages still to send; no pages clears the previous ones ("1" is a menu choice again)."""
        try:
            store = self._pages(request)
            await asyncio.wait_for(asyncio.to_thread(store.save, sender_id, pages), timeout=STORE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - page 1 is still sent; "1" then reaches Rasa
            logger.warning("twilio: could not keep the SMS pages (%s).", scrub(exc))

    async def _has_conversation(self, request: Request, sender_id: str) -> bool:
        """Whether anything is stored for this sender; on any doubt False (show the notice)."""
        try:
            return await erasure.has_conversation(request.app, sender_id, self.tracker_db_url)
        except Exception as exc:  # noqa: BLE001 - the notice is shown rather than the message lost
            logger.warning("twilio: could not check for an earlier conversation (%s).", scrub(exc))
            return False

    async def _erase(self, request: Request, sender_id: str, language: str) -> str:
        """Erase now; erase again once any message still being processed has been saved."""
        agent, store = self._stores(request)
        try:
            removed = await asyncio.wait_for(self._erase_from(store, sender_id), timeout=STORE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - the person is told it failed, never that it worked
            logger.error("twilio: could not erase a conversation: %s", scrub(exc))
            return ERASE_FAILED[language]
        logger.info("twilio: erased a conversation on request (%d stored event(s)).", removed)
        lock_store = getattr(agent, "lock_store", None)
        if lock_store is not None:
            self._keep(asyncio.ensure_future(self._erase_when_idle(lock_store, store, sender_id)))
        return (ERASED if removed else NOTHING_STORED)[language]

    async def _erase_from(self, store: Any, sender_id: str) -> int:
        """Erase the conversation and any SMS pages waiting for it; returns what was removed."""
        forget = getattr(store, "forget", None)  # bot.rasa.tracker_store: kept while the database was down
        if callable(forget):
            forget(sender_id)
        target = self._sql_target(store)
        if target is not None:
            removed = await asyncio.to_thread(privacy.erase, target, sender_id)
            return removed + await asyncio.to_thread(sms_pages.SqlPages(target).erase, sender_id)
        if isinstance(store, InMemoryTrackerStore):  # `rasa run` without a tracker store (development)
            removed = 1 if store.store.pop(sender_id, None) is not None else 0
            return removed + self._memory_pages.erase(sender_id)
        raise privacy.DatabaseUnavailable(
            f"Erasing is implemented for SQL tracker stores only, not {type(store).__name__}. "
            "Configure tracker_store type: SQL in endpoints.yml."
        )

    async def _erase_when_idle(self, lock_store: Any, store: Any, sender_id: str) -> None:
        """A message still in Rasa when BORRAR arrived would re-save the whole conversation when
        it finishes; Rasa holds the conversation's lock until then, so wait for it and erase again."""
        try:
            async with lock_store.lock(sender_id):
                removed = await self._erase_from(store, sender_id)
            if removed:
                logger.info("twilio: erased %d event(s) saved after an erasure request.", removed)
        except Exception as exc:  # noqa: BLE001 - logged; nothing else can be done in the background
            logger.error("twilio: second erasure pass failed: %s", scrub(exc))


def _log_late_failure(task: asyncio.Future) -> None:
    """After a fallback reply: record (without the number) a message that later failed."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        logger.error("twilio: a message answered with the fallback later failed: %s", scrub(exc))
