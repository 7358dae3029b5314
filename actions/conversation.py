"""One action per kind of turn; each only names its ``bot.dialogue`` handler.

The table is the whole file on purpose: an action's behaviour lives in ``bot/dialogue.py``,
tested without Rasa; here Rasa's action names are tied to those handlers, one line each.
"""

from __future__ import annotations

from actions.base import RutaAction

HANDLERS: dict[str, str] = {
    "action_show_menu": "show_menu",
    "action_fallback": "fallback",
    "action_answer_topic": "topic",  # the topic the intent names, for the country in the slot
    "action_more": "more",
    "action_set_country": "set_country",
    "action_change_country": "change_country",
    "action_choose_option": "choose",  # a number picks an option of the last menu
    "action_emergency": "emergency",
    "action_nearest": "nearest",
    "action_safety_net": "safety_net",  # before fixed replies: danger words get the number first
}


def _action_class(action_name: str, handler: str) -> type[RutaAction]:
    """A RutaAction subclass; rasa-sdk registers every Action subclass it finds."""
    class_name = "".join(part.title() for part in action_name.split("_"))
    return type(class_name, (RutaAction,), {"action_name": action_name, "handler_name": lambda self: handler})


ACTIONS = [_action_class(name, handler) for name, handler in HANDLERS.items()]
