"""The conversation's memory (Rasa slots), one message as understood, and the reply to send."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from bot import locales, phrases

SLOTS = (
    "language",
    "country",
    "pending_topic",
    "last_topic",
    "menu",
    "awaiting",
    "group",
    "origin",
    "last_question",
    "pending_question",
    "alert",
)


@dataclass
class State:
    """The conversation memory that lives in Rasa slots."""

    language: str = "es"
    country: str | None = None
    pending_topic: str | None = None
    last_topic: str | None = None
    menu: str | None = None
    awaiting: str | None = None  # "country" or "town": what the last question asked for
    group: str | None = None
    origin: str | None = None  # the country the person comes from (context, never the answer's country)
    last_question: str | None = None  # id of the last question entry answered
    pending_question: str | None = None  # a question entry waiting for the country
    alert: str | None = None  # replies left that keep the emergency line first after danger

    @classmethod
    def from_slots(cls, slots: dict[str, Any], countries: Collection[str] = ()) -> State:
        """The memory in the slots; a language without a locale reads as the default, and the
        country is kept only when it is one of ``countries`` (the loaded country files)."""
        values = {name: slots.get(name) for name in SLOTS}
        values["language"] = locales.supported(values["language"])
        if values["country"] not in countries:
            values["country"] = None
        return cls(**values)


@dataclass
class Turn:
    """The person's message as the NLU understood it."""

    intent: str
    text: str = ""
    number: int | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None
    confidence: float = 0.0
    group: str | None = None


@dataclass
class Reply:
    """Messages to send, in order, and the slots to change.

    A message is ``{"text": ...}``, already in the person's language (fixed sentences come from
    the locale catalogues in ``bot/locales``), optionally with ``ruta`` parts for SMS fitting.
    """

    messages: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def text(self, text: str) -> Reply:
        self.messages.append({"text": text})
        return self

    def say(self, name: str, language: str, **variables: Any) -> Reply:
        """A fixed phrase from the locale catalogue of ``language``."""
        return self.text(phrases.say(name, language, **variables))

    def extend(self, other: Reply) -> Reply:
        self.messages += other.messages
        self.slots.update(other.slots)
        return self
