"""One action per kind of turn; each only names its ``bot.dialogue`` handler."""

from __future__ import annotations

from actions.base import RutaAction


class ActionShowMenu(RutaAction):
    action_name, handler = "action_show_menu", "show_menu"


class ActionFallback(RutaAction):
    action_name, handler = "action_fallback", "fallback"


class ActionAnswerTopic(RutaAction):
    """Answers the topic the intent names, for the country in the slot (or asks for it)."""

    action_name, handler = "action_answer_topic", "topic"


class ActionMore(RutaAction):
    action_name, handler = "action_more", "more"


class ActionSetCountry(RutaAction):
    action_name, handler = "action_set_country", "set_country"


class ActionChangeCountry(RutaAction):
    action_name, handler = "action_change_country", "change_country"


class ActionChooseOption(RutaAction):
    action_name, handler = "action_choose_option", "choose"


class ActionEmergency(RutaAction):
    action_name, handler = "action_emergency", "emergency"


class ActionNearest(RutaAction):
    action_name, handler = "action_nearest", "nearest"


class ActionSafetyNet(RutaAction):
    """Runs before fixed replies so danger words still get the emergency number first."""

    action_name, handler = "action_safety_net", "safety_net"
