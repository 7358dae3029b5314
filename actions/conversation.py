"""The one action every message runs: ``action_respond`` → ``bot.dialogue.Dialogue.respond``.

Why one: understanding reads several signals of a message at once (danger, who, where, the
question, the act), which a rule per intent could not combine. Rasa's rules only send every
intent here; the trained intent and its confidence travel along as one of the signals.
"""

from __future__ import annotations

from actions.base import RutaAction
from bot.dialogue import Dialogue

HANDLERS = {"action_respond": Dialogue.respond}
"""Rasa action name → the handler it runs (bound by reference: a renamed method fails at import)."""


def _action_class(action_name: str) -> type[RutaAction]:
    """A RutaAction subclass; rasa-sdk registers every Action subclass it finds."""
    class_name = "".join(part.title() for part in action_name.split("_"))
    return type(class_name, (RutaAction,), {"name": lambda self: action_name})


ACTIONS = [_action_class(name) for name in HANDLERS]
