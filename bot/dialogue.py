"""What Ruta says next: the conversation logic, as plain Python.

Rasa decides *which* action runs (rules keyed on the intent); the action hands the slots and the
message to one of these handlers and dispatches what comes back. Keeping the logic here means it
is tested without a model or a server, and every path ends in a numbered menu so the person is
never stuck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import menus, phrases, safety
from bot.kb import COUNTRIES, TOPICS
from bot.kb.answer import answer
from bot.kb.loader import KnowledgeBase
from bot.nlu.entities import find_country
from bot.text import fold

TOPIC_INTENTS = {
    "ask_asylum": "asylum",
    "ask_documents": "documents",
    "ask_work_permit": "work_permit",
    "ask_health": "health",
    "ask_education": "education",
    "ask_shelter": "shelter",
    "ask_legal_aid": "legal_aid",
    "ask_special_protection": "special_protection",
    "ask_returnees": "returnees_idp",
}
"""Intents name what a person wants; the country comes from a slot, never from the intent."""

ACKNOWLEDGEMENTS = {"ok", "okay", "oki", "si", "vale", "va", "sale", "bueno", "listo", "yes", "k", "ya", "aja"}
"""Short replies that need no answer of their own: the menu is the helpful reply."""

SLOTS = ("language", "country", "pending_topic", "last_topic", "menu", "awaiting", "group")


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

    @classmethod
    def from_slots(cls, slots: dict[str, Any]) -> State:
        values = {name: slots.get(name) for name in SLOTS}
        values["language"] = values["language"] if values["language"] in ("es", "en") else "es"
        if values["country"] not in COUNTRIES:
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


@dataclass
class Reply:
    """Messages to send, in order, and the slots to change.

    A message is ``{"text": ...}``, already in the person's language (fixed sentences come from
    ``bot/phrases.yml``; the domain's own responses are sent by rules, not from here).
    """

    messages: list[dict[str, Any]] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)

    def text(self, text: str) -> Reply:
        self.messages.append({"text": text})
        return self

    def say(self, name: str, language: str, **variables: Any) -> Reply:
        """A fixed phrase from ``bot/phrases.yml`` in ``language``."""
        return self.text(phrases.say(name, language, **variables))

    def extend(self, other: Reply) -> Reply:
        self.messages += other.messages
        self.slots.update(other.slots)
        return self


class Dialogue:
    """Handlers for each kind of turn, over one knowledge base."""

    def __init__(self, kb: KnowledgeBase, dated_years: int = 2):
        self.kb = kb
        self.dated_years = dated_years

    # -- entry point -------------------------------------------------------------------------

    def handle(self, handler: str, state: State, turn: Turn) -> Reply:
        """Run ``handler``; danger words anywhere get the emergency answer first."""
        reply = Reply()
        if handler != "emergency" and safety.is_emergency(turn.text):
            reply.extend(self.emergency(state, turn))
            if state.country is None:
                return reply
        method = getattr(self, handler)
        return reply.extend(method(state, turn))

    # -- menus -------------------------------------------------------------------------------

    def _menu(self, menu: menus.Menu, state: State) -> Reply:
        return Reply(slots={"menu": menu.encode()}).text(menu.render(state.language))

    def safety_net(self, state: State, turn: Turn) -> Reply:
        """Before fixed replies (goodbye, hand-off, erasure): nothing, unless the message holds
        danger words, which ``handle`` has already answered with the emergency number."""
        return Reply()

    def show_menu(self, state: State, turn: Turn) -> Reply:
        reply = Reply(slots={"awaiting": None, "pending_topic": None})
        return reply.extend(self._menu(menus.main_menu(), state))

    def fallback(self, state: State, turn: Turn) -> Reply:
        """Low confidence: use what we were waiting for, else say so honestly and show the menu.

        A named town is the one thing safe to act on ("im in tapachula what do i do"): the
        nearest help points. Nothing else is guessed.
        """
        if fold(turn.text) in ACKNOWLEDGEMENTS:
            return self.show_menu(state, turn)
        if turn.city:
            return self.nearest(state, turn)
        if state.awaiting == "town" and turn.text.strip():
            return self.nearest(state, Turn("inform_town", turn.text, city=turn.text))
        if state.awaiting == "country":
            found = find_country(turn.text, self.kb.country_aliases())
            country = found.value if found else None
            if country:
                return self.set_country(State(**{**state.__dict__, "country": country}), turn).extend(
                    Reply(slots={"country": country})
                )
        return Reply().say("fallback", state.language).extend(self._menu(menus.main_menu(), state))

    # -- topics ------------------------------------------------------------------------------

    def topic(self, state: State, turn: Turn) -> Reply:
        """An ``ask_*`` intent: the topic it names."""
        topic = TOPIC_INTENTS.get(turn.intent)
        if topic is None:
            return self.fallback(state, turn)
        return self.ask_topic(state, turn, topic)

    def ask_topic(self, state: State, turn: Turn, topic: str) -> Reply:
        if topic == "shelter" and turn.city:  # "albergue para mujeres en tapachula": a place, not advice
            return self.nearest(state, turn)
        country = state.country or self.country_of_town(turn.city)
        if country and country != state.country:
            located = State(**{**state.__dict__, "country": country})
            return Reply(slots={"country": country}).extend(self._answer(located, topic))
        if state.country is None:
            reply = Reply(slots={"pending_topic": topic, "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(), state))
        return self._answer(state, topic)

    def _answer(self, state: State, topic: str, with_more: bool = False) -> Reply:
        assert state.country is not None
        found = answer(self.kb, topic, state.country, state.language, dated_years=self.dated_years)
        reply = Reply(slots={"last_topic": topic, "pending_topic": None, "awaiting": None})
        if found is None:
            reply.say("no_entry", state.language)
            return reply.extend(self._menu(menus.main_menu(), state))
        reply.text(found.render(with_more=with_more))
        has_more = bool(found.more) and not with_more
        return reply.extend(self._menu(menus.after_answer_menu(topic, has_more), state))

    def more(self, state: State, turn: Turn) -> Reply:
        if state.last_topic and state.country:
            return self._answer(state, state.last_topic, with_more=True)
        return Reply().say("no_more", state.language).extend(self._menu(menus.main_menu(), state))

    # -- countries ---------------------------------------------------------------------------

    def country_of_town(self, town: str | None) -> str | None:
        """The country of a town the person named ("albergue en tecun uman" → guatemala)."""
        if not town:
            return None
        found = self.kb.gazetteer.resolve(town)
        return found.towns[0].country if found.found else None

    def set_country(self, state: State, turn: Turn) -> Reply:
        """A country was given (the slot is already filled): finish what was waiting for it."""
        if state.country is None:
            return self.change_country(state, turn)
        if state.awaiting == "town":
            return self.nearest(state, Turn("nearest_office", turn.text))
        if state.pending_topic:
            if state.pending_topic == "emergency":
                return self.emergency(state, turn)
            return self._answer(state, state.pending_topic)
        name = self.kb.countries[state.country].name
        reply = Reply(slots={"awaiting": None}).say(
            "country_set", state.language, country_name=getattr(name, state.language)
        )
        return reply.extend(self._menu(menus.main_menu(), state))

    def change_country(self, state: State, turn: Turn) -> Reply:
        reply = Reply(slots={"country": None, "awaiting": "country", "pending_topic": state.last_topic})
        return reply.extend(self._menu(menus.country_menu(), state))

    # -- numbers -----------------------------------------------------------------------------

    def choose(self, state: State, turn: Turn) -> Reply:
        """A number typed after a menu picks that option."""
        menu = menus.Menu.decode(state.menu) or menus.main_menu()
        if turn.number == 0:
            return self.show_menu(state, turn)
        option = menu.pick(turn.number) if turn.number is not None else None
        if option is None:
            reply = Reply().say("pick_number", state.language, max=len(menu.options))
            return reply.extend(self._menu(menu, state))
        if menu.kind == "country":
            chosen = State(**{**state.__dict__, "country": option})
            return Reply(slots={"country": option}).extend(self.set_country(chosen, turn))
        if menu.kind == "town":
            return self.nearest_to_chosen_town(state, option)
        if option == "more":
            return self.more(state, turn)
        if option == "nearest":
            return self.nearest(state, Turn("nearest_office", ""))
        if option == "emergency":
            return self.emergency(state, turn)
        if option in TOPICS:
            return self.ask_topic(state, turn, option)
        return self.show_menu(state, turn)

    # -- emergency ---------------------------------------------------------------------------

    def emergency(self, state: State, turn: Turn) -> Reply:
        """The emergency number first; then the country's advice, or a question for the country."""
        lang = state.language
        if state.country is None:
            numbers = [
                f"{getattr(f.name, lang)} {f.emergency.number}"
                for cid, f in self.kb.countries.items()
                if cid != "regional" and f.emergency
            ]
            reply = Reply(slots={"pending_topic": "emergency", "awaiting": "country"})
            reply.say("emergency_numbers", state.language, numbers=" · ".join(numbers))
            return reply.extend(self._menu(menus.country_menu(), state))
        file = self.kb.countries[state.country]
        reply = Reply()
        if file.emergency:
            reply.say("emergency_call", lang, number=file.emergency.number, label=getattr(file.emergency.label, lang))
        return reply.extend(self._answer(state, "emergency"))

    # -- places ------------------------------------------------------------------------------

    def nearest(self, state: State, turn: Turn) -> Reply:
        """Nearest places from a pin, a typed town, or — if nothing yet — ask where the person is."""
        from bot.geo import lookup

        serves = self._serves(state)
        if turn.lat is not None and turn.lon is not None:
            result = lookup.lookup(self.kb, lat=turn.lat, lon=turn.lon, serves=serves)
        elif turn.city or (turn.intent == "inform_town" and turn.text.strip()):
            result = lookup.lookup(self.kb, town=turn.city or turn.text, serves=serves)
        elif state.awaiting == "town" and state.country and turn.intent in ("inform_country", "nearest_office"):
            result = lookup.lookup(self.kb, country=state.country, serves=serves)
        else:
            return Reply(slots={"awaiting": "town"}).say("ask_town", state.language)
        return self._places(state, result, turn.city or turn.text)

    def nearest_to_chosen_town(self, state: State, option: str) -> Reply:
        """After "which San Marcos?": the town picked from the numbered list."""
        from bot.geo import lookup

        country, query, _ = menus.parse_town_option(option)
        return self._places(
            state, lookup.lookup(self.kb, town=query, country=country, serves=self._serves(state)), query
        )

    @staticmethod
    def _serves(state: State) -> str | None:
        return state.group if state.group not in (None, "all") else None

    def _places(self, state: State, result: Any, typed: str) -> Reply:
        from bot.geo import reply as place_reply

        if result.status == "ambiguous":
            options = [
                menus.town_option(
                    t.country, f"{t.name}, {t.admin1}" if t.admin1 else t.name, self._town_label(t, state)
                )
                for t in result.candidates
            ]
            return Reply(slots={"awaiting": "town"}).extend(self._menu(menus.town_menu(options), state))
        if result.status == "unknown_town":
            return Reply(slots={"awaiting": "town"}).say("unknown_town", state.language, town=typed)
        # the group filter was for this search; the next one starts unfiltered
        reply = Reply(slots={"awaiting": None, "group": None}).text(place_reply.render(result, state.language, self.kb))
        return reply.extend(self._menu(menus.main_menu(), state))

    def _town_label(self, town: Any, state: State) -> str:
        country = getattr(self.kb.countries[town.country].name, state.language)
        return f"{town.label()} ({country})"
