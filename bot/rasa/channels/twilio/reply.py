"""Fitting the bot's messages into a Twilio reply: collected whole with their parts, sent as TwiML.

On SMS the reply is fitted from its parts (``bot/sms_fit.py``): the answer arrives whole, the
menu and source line shrink first, and a reply still too long is sent in pages the person asks
for with "1". WhatsApp gets the full text, in chunks of Twilio's 1,600 characters. SMS has no
buttons, so buttons are written out as numbered lines.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel
from sanic.response import HTTPResponse
from twilio.twiml.messaging_response import MessagingResponse

from bot import sms, sms_fit
from bot.rasa.channels.twilio.request import strip_control


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
        return strip_control(value)
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
    return strip_control("\n".join(lines))


def bot_texts(messages: list[dict[str, Any]]) -> list[str]:
    """Texts collected from Rasa, buttons written out as numbered lines (SMS has no buttons)."""
    return [text for text in (_lines(m) for m in messages) if text]


def whatsapp_bodies(texts: list[str]) -> list[str]:
    """Everything, blank-line separated, in as few messages of Twilio's 1,600 characters as it takes."""
    return sms.chunks("\n\n".join(t.strip() for t in texts if t.strip()))


def sms_bodies(texts: list[str], segments: int, gsm7: bool) -> list[str]:
    """Ruta's own short texts (notices, confirmations, the fallback) fitted to the segment budget."""
    return sms_fit.fit([sms_fit.Part.text(t) for t in texts], segments, gsm7).messages


def sms_answer(
    messages: list[dict[str, Any]], notice: tuple[str, ...] | None, segments: int, gsm7: bool, language: str
) -> sms_fit.Fitted:
    """The bot's answer as SMS: now, and the pages kept for "1"; a first-contact ``notice``'s forms
    (richest first) go inside it where they fit, else before it."""
    parts = bot_parts(messages)
    part = sms_fit.Part("notice", notice) if notice else None
    return sms_fit.fit(parts, segments, gsm7, part, sms_fit.language_of(parts, language))


def twiml(bodies: list[str]) -> HTTPResponse:
    """One TwiML <Message> per body, in order."""
    reply = MessagingResponse()
    for body in bodies:
        if body:
            reply.message(body)
    return HTTPResponse(str(reply), content_type="application/xml")
