"""The glue every Ruta action shares: slots in, ``bot.dialogue`` handler, messages and slots out.

The knowledge base is loaded once per action-server process and watched, so editors' changes
are live within two seconds; a broken edit is refused and the last good content keeps serving.
"""

from __future__ import annotations

import abc
import logging
from functools import lru_cache
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import phrases
from bot.config import Settings
from bot.dialogue import SLOTS, Dialogue, Reply, State, Turn
from bot.kb.store import KnowledgeStore

logger = logging.getLogger(__name__)
_store: KnowledgeStore | None = None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The action server's settings, read from the environment once per process."""
    return Settings.from_env()


def store() -> KnowledgeStore:
    """The process's knowledge store, started on first use (no work at import time)."""
    global _store
    if _store is None:
        _store = KnowledgeStore(settings().kb_path)
        _store.watch()
    return _store


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def turn_from(tracker: Tracker) -> Turn:
    """The latest message as the handlers need it."""
    message = tracker.latest_message or {}
    number = _entity(tracker, "number")
    return Turn(
        intent=(message.get("intent") or {}).get("name") or "",
        text=message.get("text") or "",
        number=int(number) if number is not None and number.isdigit() else None,
        city=_entity(tracker, "city"),
        lat=_float(_entity(tracker, "lat")),
        lon=_float(_entity(tracker, "lon")),
    )


def dispatch(reply: Reply, dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
    """Send the reply's messages in order and return its slot changes as events."""
    for message in reply.messages:
        dispatcher.utter_message(text=message["text"])
    return [SlotSet(name, value) for name, value in reply.slots.items()]


class RutaAction(Action, abc.ABC):
    """Run one ``Dialogue`` handler. Subclasses only name the action and the handler.

    Abstract (``handler_name``), so rasa-sdk does not register this base class as an action.
    """

    action_name: str = ""

    def name(self) -> str:
        return self.action_name

    @abc.abstractmethod
    def handler_name(self) -> str:
        """The ``bot.dialogue.Dialogue`` method this action runs."""

    def call(self, dialogue: Dialogue, state: State, turn: Turn) -> Reply:
        return dialogue.handle(self.handler_name(), state, turn)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        state = State.from_slots({name: tracker.get_slot(name) for name in SLOTS})
        try:
            kb = store().kb
        except Exception:
            logger.exception("Knowledge base could not be loaded")
            dispatcher.utter_message(text=phrases.say("content_unavailable", state.language))
            return []
        dialogue = Dialogue(kb, dated_years=settings().dated_years)
        return dispatch(self.call(dialogue, state, turn_from(tracker)), dispatcher)
