"""The glue every Ruta action shares: slots in, ``bot.dialogue`` handler, messages and slots out.

The knowledge base is loaded once per action-server process and watched, so editors' changes
are live within two seconds; a broken edit is refused and the last good content keeps serving.
"""

from __future__ import annotations

import abc
import logging
import threading
from functools import lru_cache
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import language, locales
from bot.config import Settings
from bot.dialogue import SLOTS, Dialogue, Reply, State, Turn
from bot.world.store import KnowledgeStore

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
        _store = KnowledgeStore(settings().kb_path, prepare=prepare_matchers)
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
    intent = message.get("intent") or {}
    return Turn(
        intent=intent.get("name") or "",
        text=message.get("text") or "",
        number=int(number) if number is not None and number.isdigit() else None,
        city=_entity(tracker, "city"),
        lat=_float(_entity(tracker, "lat")),
        lon=_float(_entity(tracker, "lon")),
        confidence=float(intent.get("confidence") or 0.0),
        group=_entity(tracker, "group"),
    )


def dispatch(reply: Reply, dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
    """Send the reply's messages in order and return its slot changes as events."""
    for message in reply.messages:
        if message.get("ruta"):
            # a keyword argument travels in the utterance's metadata to the channel only, so REST and
            # the shell see the text alone and the Twilio channel fits the SMS from the parts
            dispatcher.utter_message(text=message["text"], ruta=message["ruta"])
        else:
            dispatcher.utter_message(text=message["text"])
    return [SlotSet(name, value) for name, value in reply.slots.items()]


class RutaAction(Action, abc.ABC):
    """Run the ``Dialogue`` handler of :data:`actions.conversation.HANDLERS` for this action.

    The language is decided here, from the message and the conversation's memory, so the
    reply and every later one follow the person (no separate language action per message).
    """

    @abc.abstractmethod
    def name(self) -> str:
        """The Rasa action name (abstract, so rasa-sdk does not register this base class)."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        from actions.conversation import HANDLERS

        slots = {name: tracker.get_slot(name) for name in SLOTS}
        turn = turn_from(tracker)
        spoken = language.decide(turn.text, slots.get("language")) if turn.text else slots.get("language")
        state = State.from_slots({**slots, "language": spoken})  # the country is checked once the KB is here
        events: List[Dict[str, Any]] = []
        if spoken != slots.get("language"):
            events.append(SlotSet("language", state.language))
        try:
            kb = store().kb
        except Exception:
            logger.exception("Knowledge base could not be loaded")
            dispatcher.utter_message(text=locales.say("content_unavailable_no_numbers", state.language))
            return events
        state = State.from_slots({**slots, "language": spoken}, countries=kb.country_ids)
        dialogue = Dialogue(kb, dated_years=settings().dated_years)
        try:
            reply = HANDLERS[self.name()](dialogue, state, turn)
        except Exception:
            logger.exception("The dialogue failed on a message")
            reply = Reply().text(
                locales.say("content_unavailable", state.language, numbers=dialogue.emergency_numbers(state.language))
            )
        return events + dispatch(reply, dispatcher)


def prepare_matchers(kb: Any) -> None:
    """Train the danger classifier and index the question phrasings of a newly loaded knowledge
    base, before it serves: seconds of work that would otherwise fall on a person's message."""
    from bot.understand.danger_model import classifier
    from bot.understand.questions import index_for

    classifier(kb)
    index_for(kb)


def warm_up() -> None:
    """Load the knowledge base and train the matchers before the first message arrives.

    The first message would otherwise pay for all of it (seconds), past the channels' fallback
    timeouts; a background thread keeps the server's start-up itself fast.
    """
    try:
        kb = store().kb  # loading it prepares the matchers (prepare_matchers)
        Dialogue(kb).respond(State(), Turn("", "hola"))
    except Exception:  # a broken knowledge base is reported on the first message instead
        logger.exception("Warm-up failed")


threading.Thread(target=warm_up, name="ruta-warm-up", daemon=True).start()
