"""The Twilio channel itself: settings, the webhook's routes, and one message from form to TwiML.

What is read from a request is in ``request``, how a reply is fitted in ``reply``, where the
conversation and its SMS pages are (and how BORRAR erases them) in ``store``; the sentences the
channel sends by itself are the locales' (``bot.rasa.channels.texts``). The package's docstring
says why Ruta has its own Twilio channel and how ``credentials.yml`` configures it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot import fallback, locales, privacy, replay, sms_fit
from bot.config import Settings
from bot.language import decide
from bot.rasa.channels import texts
from bot.rasa.channels.twilio import reply
from bot.rasa.channels.twilio.request import (
    MAX_REQUEST_BYTES,
    Form,
    Inbound,
    location_message,
    parse_form,
    read_inbound,
    scrub,
    signature_ok,
)
from bot.rasa.channels.twilio.store import Conversations, notice

logger = logging.getLogger(__name__)

DEFAULT_REPLY_TIMEOUT = 8.0
"""Seconds before the fallback reply: well inside Twilio's 15 s, and under 10 s end to end."""
MAX_REPLY_TIMEOUT = 13.0
"""Twilio abandons a webhook after 15 s; the whole answer (look-ups included) fits in reply_timeout."""


class ChannelSetupError(RasaException):
    """The channel cannot start safely; the message says which setting to fix."""


def _flag(value: Any, default: bool) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


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
        self._background: set[asyncio.Future] = set()  # keeps running tasks referenced
        self._fallback = fallback.shared(Settings.from_env().kb_path)
        self._replays = replay.ReplayGuard(self._key, os.environ.get("RUTA_REDIS_URL") or None)
        self._conversations = Conversations(self.tracker_db_url, self._keep)

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
                if not (self.skip_signature or signature_ok(self._validator, request, form, self.public_url)):
                    logger.warning("twilio: refused a request without a valid X-Twilio-Signature.")
                    return response.text("Forbidden: missing or invalid Twilio signature.", status=403)
                target = self._conversations.sql_target(request.app)
                if not await self._replays.first_time(form.first("MessageSid") or form.first("SmsSid"), target):
                    logger.info("twilio: a MessageSid seen before was not processed again (replay or retry).")
                    return self._twiml([], whatsapp=False)
                return await self._respond(request, form, on_new_message)
            except Exception as exc:  # noqa: BLE001 - a person must get an answer, never a 500
                logger.error("twilio: could not handle a message: %s", scrub(exc))
                return self._twiml([self._fallback.text()], whatsapp=False)

        return bp

    async def _respond(
        self, request: Request, form: Form, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        inbound = read_inbound(form, self._key)
        if inbound is None:
            logger.warning("twilio: signed request without a sender (From); answered with nothing.")
            return self._twiml([], whatsapp=False)
        conversations = self._conversations
        language = texts.erase_language(inbound.text)
        if language is not None:  # before anything else, and the request itself is not stored
            erased = await conversations.erase(request.app, inbound.sender_id, language)
            return self._twiml([erased], inbound.whatsapp)
        if inbound.location is None and not inbound.text:  # the language is not known yet: every one
            return self._twiml([texts.every_language("media_only" if inbound.media else "empty")], inbound.whatsapp)
        if not inbound.whatsapp and inbound.location is None and sms_fit.is_continue(inbound.text):
            page = await conversations.next_page(request.app, inbound.sender_id)
            if page is not None:  # "1" right after a paged reply: the next page, without Rasa
                return reply.twiml([page])
        started = asyncio.get_running_loop().time()
        first = not await conversations.has_conversation(request.app, inbound.sender_id)
        budget = max(1.0, self.reply_timeout - (asyncio.get_running_loop().time() - started))
        messages = await self._ask_rasa(inbound, on_new_message, budget)
        language = decide(inbound.text, None) if inbound.text else locales.DEFAULT
        forms = notice(language, self.retention_days) if first else None
        if inbound.whatsapp:
            said = reply.bot_texts(messages)
            return reply.twiml(reply.whatsapp_bodies([forms[0], *said] if forms else said))
        fitted = reply.sms_answer(messages, forms, self.sms_segments, self.gsm7, language)
        await conversations.keep_pages(request.app, inbound.sender_id, fitted.pages)
        return reply.twiml(fitted.messages)

    async def _ask_rasa(
        self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]], timeout: float
    ) -> list[dict[str, Any]]:
        """The bot's messages, or the fallback when it fails, says nothing, or is slower than ``timeout``.

        The task is shielded: after a timeout it keeps running, so the message is still processed
        and stored (the person's next message continues from it).
        """
        metadata: dict[str, Any] = {"channel": "whatsapp" if inbound.whatsapp else "sms"}
        text = inbound.text
        if inbound.location is not None:
            lat, lon = inbound.location
            metadata["location"] = {"lat": lat, "lon": lon}
            text = location_message(lat, lon)
        collector = reply.PartsCollector()
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
        if not reply.bot_texts(collector.messages):
            logger.warning("twilio: the assistant returned no text; sent the fallback.")
            return [{"text": self._fallback.text()}]
        return collector.messages

    def _twiml(self, lines: list[str], whatsapp: bool) -> HTTPResponse:
        """TwiML for Ruta's own short texts: SMS fitted to the segment budget; WhatsApp everything."""
        bodies = reply.whatsapp_bodies(lines) if whatsapp else reply.sms_bodies(lines, self.sms_segments, self.gsm7)
        return reply.twiml(bodies)

    def _keep(self, task: asyncio.Future) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)


def _log_late_failure(task: asyncio.Future) -> None:
    """After a fallback reply: record (without the number) a message that later failed."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        logger.error("twilio: a message answered with the fallback later failed: %s", scrub(exc))
