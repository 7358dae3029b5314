"""``action_detect_language``: the custom slot mapping for ``language``.

Rasa runs it inside ``action_extract_slots`` on every user message, before any response is
chosen, so the es/en variations of domain responses follow the message being answered. If the
action server is down, Rasa keeps the previous value and carries on.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.language import decide


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if text.startswith("/"):  # a button payload or a channel-built intent, not words
            return []
        previous = tracker.get_slot("language")
        language = decide(text, previous)
        return [] if language == previous else [SlotSet("language", language)]
