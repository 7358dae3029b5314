"""REST channel (``POST /webhooks/rest/webhook``) and the staff shell, with limits and a fallback.

Rasa's stock ``RestInput`` takes any body: an empty body, a JSON array, a string or ``null`` ends
in a 500; a 1 MB message goes whole through NLU (blocking every other conversation for
seconds), whole into the log and several times into the database; a 10 kB sender id does not
fit Rasa's 255-character ``sender_id`` column on PostgreSQL; and when the action server is down
or hung the caller gets an empty list. Here, before Rasa sees anything:

- the body must be a JSON object of at most ``MAX_REQUEST_BYTES`` with a string ``sender`` of at
  most ``MAX_SENDER_CHARS`` and a string ``message``: otherwise 400 (413 when too big);
- a message longer than ``max_message_chars`` (1,600 by default, Twilio's own limit) gets 413
  and is not processed at all;
- "BORRAR"/"DELETE" erases the conversation exactly as on Twilio (``bot.rasa.erasure``), and the
  channel's own sentences are the locales' (``bot.rasa.channels.texts``), as on Twilio;
- within ``reply_timeout`` seconds the caller gets the bot's messages or, when the assistant
  fails, says nothing or is slower, the same bilingual "try again / emergency numbers" text as
  Twilio (``bot.fallback``, numbers from the content); the message is still processed;
- log lines carry lengths, never the text.

``credentials.yml`` (``bot/rasa/runtime.py`` writes it)::

    bot.rasa.channels.rest.RestChannel:
      reply_timeout: 8          # seconds before the fallback
      max_message_chars: 1600   # longer messages get 413

``ShellInput`` is the same channel under Rasa's ``cmdline`` name: ``make shell`` starts Rasa
with ``--connector bot.rasa.channels.rest.ShellInput``, and Rasa's console posts to this endpoint.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import fallback, privacy
from bot.config import Settings
from bot.rasa import erasure
from bot.rasa.channels import texts

logger = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
"""Largest body read as JSON: a 1,600-character message escaped as \\uXXXX, a sender, some metadata."""
MAX_MESSAGE_CHARS = 1600
"""Default longest message; the same as Twilio's limit for one SMS or WhatsApp message."""
MAX_SENDER_CHARS = 128
"""Longest sender id: well inside Rasa's 255-character column (Twilio's pseudonyms are 66)."""
DEFAULT_REPLY_TIMEOUT = 8.0
"""Seconds before the fallback: the same budget as Twilio, under 10 s end to end."""

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class BadRequest(Exception):  # noqa: N818 - an HTTP answer, not a programming error
    """The request cannot be processed; ``status`` and the message go back to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RestMessage:
    """One validated REST request."""

    sender_id: str
    text: str
    metadata: dict[str, Any] | None


def parse_request(body: bytes, max_message_chars: int = MAX_MESSAGE_CHARS) -> RestMessage:
    """The sender, text and metadata of a REST body; ``BadRequest`` (400/413) when it is not usable."""
    if len(body) > MAX_REQUEST_BYTES:
        raise BadRequest(413, f"The request is larger than {MAX_REQUEST_BYTES} bytes.")
    usage = 'Send a JSON object: {"sender": "<id>", "message": "<text>"}.'
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(400, f"The body is not JSON. {usage}") from exc
    if not isinstance(data, dict):
        raise BadRequest(400, f"The body must be a JSON object. {usage}")
    sender, text, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(400, f'"sender" must be a non-empty string. {usage}')
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(400, f'"sender" must be at most {MAX_SENDER_CHARS} characters.')
    if not isinstance(text, str):
        raise BadRequest(400, f'"message" must be a string. {usage}')
    if len(text) > max_message_chars:
        raise BadRequest(413, f'"message" is longer than {max_message_chars} characters; send a shorter one.')
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, '"metadata" must be a JSON object when given.')
    return RestMessage(sender, text, metadata)


class RestChannel(RestInput):
    """Rasa's REST channel with limits at the edge, erasure, and a reply within the timeout."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestChannel:
        creds = dict(credentials or {})
        try:
            timeout = float(creds.get("reply_timeout") or DEFAULT_REPLY_TIMEOUT)
            max_chars = int(creds.get("max_message_chars") or MAX_MESSAGE_CHARS)
        except ValueError as exc:
            raise ValueError(f"rest: reply_timeout and max_message_chars must be numbers ({exc}).") from exc
        return cls(reply_timeout=timeout, max_message_chars=max_chars)

    def __init__(
        self,
        reply_timeout: float = DEFAULT_REPLY_TIMEOUT,
        max_message_chars: int = MAX_MESSAGE_CHARS,
        settings: Settings | None = None,
    ) -> None:
        if reply_timeout <= 0 or max_message_chars < 1:
            raise ValueError("rest: reply_timeout and max_message_chars must be more than 0.")
        settings = settings or Settings.from_env()
        self.reply_timeout = reply_timeout
        self.max_message_chars = max_message_chars
        self.tracker_db_url = settings.tracker_db_url
        self.fallback = fallback.shared(settings.kb_path)
        self._background: set[asyncio.Future] = set()

    def url_prefix(self) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint(f"ruta_{self.name()}", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.listener("after_server_start")
        async def warm_up(app: Any, _: Any) -> None:
            """Parse one message before anyone writes: NLU components that load data on first use
            (the knowledge base behind the entity extractor) do it now, not inside a person's
            message, where it would hold every reply (and every fallback) back."""
            agent = getattr(app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return
            started = time.monotonic()
            try:
                await agent.parse_message("hola")
            except Exception as exc:  # noqa: BLE001 - the first real message will show the problem
                logger.warning("rest: warming up the NLU failed (%s).", type(exc).__name__)
                return
            logger.info("rest: NLU warmed up in %.1f s.", time.monotonic() - started)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                message = parse_request(request.body or b"", self.max_message_chars)
            except BadRequest as exc:
                logger.info("rest: refused a request (%d): %s", exc.status, exc)
                return response.json({"error": str(exc)}, status=exc.status)
            messages = await self._answer(request, message, on_new_message)
            if bool_arg(request, "stream", default=False):  # Rasa's console reads one JSON object a line
                lines = "".join(json.dumps(m) + "\n" for m in messages)
                return HTTPResponse(lines, content_type="text/event-stream")
            return response.json(messages)

        return bp

    async def _answer(self, request: Request, message: RestMessage, on_new_message: OnNewMessage) -> list[dict]:
        """The bot's messages, an erasure confirmation, or the fallback; never an empty list."""
        language = texts.erase_language(message.text)
        if language is not None:
            return [self._reply(message.sender_id, await self._erase(request, message.sender_id, language))]
        if not message.text.strip():
            return [self._reply(message.sender_id, texts.every_language("empty"))]
        collector = CollectingOutputChannel()
        user_message = UserMessage(
            message.text, collector, message.sender_id, input_channel=self.name(), metadata=message.metadata
        )
        task = asyncio.ensure_future(on_new_message(user_message))
        self._keep(task)
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=self.reply_timeout)
        except asyncio.TimeoutError:
            logger.warning(
                "rest: no answer within %.1f s to a %d-character message; sent the fallback (still processing).",
                self.reply_timeout,
                len(message.text),
            )
            task.add_done_callback(_log_late_failure)
            return [self._reply(message.sender_id, self.fallback.text())]
        except Exception as exc:  # noqa: BLE001 - Rasa or the action server failed: answer anyway
            logger.error("rest: the assistant failed on a message: %s", type(exc).__name__)
            return [self._reply(message.sender_id, self.fallback.text())]
        if not collector.messages:
            logger.warning("rest: the assistant returned nothing (action server down?); sent the fallback.")
            return [self._reply(message.sender_id, self.fallback.text())]
        return collector.messages

    async def _erase(self, request: Request, sender_id: str, language: str) -> str:
        try:
            removed = await erasure.erase(request.app, sender_id, self.tracker_db_url, self._keep, self.name())
        except Exception as exc:  # noqa: BLE001 - the person is told it failed, never that it worked
            reason = str(exc) if isinstance(exc, privacy.DatabaseUnavailable) else type(exc).__name__
            logger.error("rest: could not erase a conversation: %s", reason)
            return texts.say("erase_failed", language)
        return texts.erased(removed, language)

    @staticmethod
    def _reply(sender_id: str, text: str) -> dict[str, Any]:
        return {"recipient_id": sender_id, "text": text}

    def _keep(self, task: asyncio.Future) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)


class ShellInput(RestChannel):
    """The staff shell: Rasa starts its console when a channel is named ``cmdline``."""

    @classmethod
    def name(cls) -> str:
        return "cmdline"


def _log_late_failure(task: asyncio.Future) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        logger.error("rest: a message answered with the fallback later failed: %s", type(exc).__name__)
