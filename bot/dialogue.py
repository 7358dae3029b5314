"""What Ruta says next: the conversation logic, as plain Python.

Rasa decides *which* action runs (rules keyed on the intent); the action hands the slots and the
message to one of these handlers and dispatches what comes back. Keeping the logic here means it
is tested without a model or a server, and every path ends in a numbered menu so the person is
never stuck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import locales, menus, phrases
from bot.kb import COUNTRIES, TOPICS
from bot.kb.answer import answer, from_entry
from bot.kb.loader import KnowledgeBase
from bot.nlu.entities import find_country
from bot.text import fold
from bot.understand import signals as read_signals
from bot.understand.questions import GENERAL, REGIONAL, QuestionMatch
from bot.understand.signals import Signals
from bot.understand.topics import REGIONAL_TO_TOPIC, TOPIC_INTENTS

QUESTION_SCORE = 0.55
"""A question entry answers a message when its best phrasing is at least this similar
(TF-IDF character n-grams, cosine); below it, the topic's general answer is safer."""

GENERAL_MARGIN = 0.12
"""How much closer a general way of asking about a topic must be to win over a question entry."""

INTENT_CONFIDENCE = 0.5
"""The trained classifier's topic is used alone only above this confidence."""

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


class Dialogue:
    """Handlers for each kind of turn, over one knowledge base."""

    def __init__(self, kb: KnowledgeBase, dated_years: int = 2):
        self.kb = kb
        self.dated_years = dated_years

    # -- entry point -------------------------------------------------------------------------

    def handle(self, handler: str, state: State, turn: Turn) -> Reply:
        """Run ``handler`` (a method name); ``respond`` is the one every message goes through."""
        return getattr(self, handler)(state, turn)

    def respond(self, state: State, turn: Turn) -> Reply:
        """One message → what to say, from all its signals (see ``bot.understand``).

        Order matters and is the point: a location pin is a place search; danger gets the
        emergency line first whatever else the message asks; then a bare menu number; then what
        the message asks (a question entry, a topic, honesty questions), for the country where
        the person is now; then a country alone (a follow-up or the answer to "which country?").
        """
        if turn.lat is not None and turn.lon is not None:
            return self.nearest(state, turn)
        sig = read_signals.read(turn.text, self.kb, state.country)
        reply = Reply()
        now = sig.where.now
        if sig.where.origin and sig.where.origin != state.origin:
            reply.slots["origin"] = sig.where.origin
        if now and now != state.country:
            reply.slots["country"] = now
            state = State(**{**state.__dict__, "country": now})
        if turn.group is not None and turn.group != state.group:
            reply.slots["group"] = turn.group
            state = State(**{**state.__dict__, "group": turn.group})
        if sig.danger or sig.who.child_alone:
            return reply.extend(self._danger(state, turn, sig))
        return reply.extend(self._understood(state, turn, sig))

    def _understood(self, state: State, turn: Turn, sig: Signals) -> Reply:
        lang = state.language
        if sig.number is not None and sig.words <= 3:
            return self.choose(state, Turn(turn.intent, turn.text, number=sig.number))
        if sig.act:
            act_reply = self._act(sig.act, state, turn)
            if act_reply is not None:
                return act_reply
        if sig.guarantee:
            reply = Reply().say("no_guarantee", lang)
            return reply.extend(self._answer_or_ask(state, "legal_aid"))
        question = self._question(sig, state)
        topic = self._topic(sig, turn)
        if sig.contact and (question is None or question.score < QUESTION_SCORE + 0.15):
            return self._contact(state, topic, sig.where.town)
        if question is not None:
            return self._answer_question(state, question)
        if topic == "nearest" or (topic is None and turn.intent == "nearest_office"):
            return self.nearest(state, Turn("nearest_office", turn.text, city=sig.where.town or turn.city))
        if topic is not None:
            return self.ask_topic(state, Turn(turn.intent, turn.text, city=sig.where.town or turn.city), topic)
        if sig.where.mentions:
            return self._place_named(state, turn, sig)
        return self.fallback(state, turn)

    def _act(self, act: str, state: State, turn: Turn) -> Reply | None:
        lang = state.language
        if act == "greet":
            return Reply().say("greet", lang).extend(self.show_menu(state, turn))
        if act == "thanks":
            return Reply().say("thanks", lang)
        if act == "goodbye":
            return Reply().say("goodbye", lang)
        if act in ("menu", "ack"):
            return self.show_menu(state, turn)
        if act == "more":
            return self.more(state, turn)
        if act == "handoff":
            return Reply().say("human_handoff", lang)
        if act == "erase":
            return Reply().say("erase_data", lang)
        if act == "change_country":
            return self.change_country(state, turn)
        if act == "sources":
            return self.sources(state, turn)
        return None

    # -- what the message asks ---------------------------------------------------------------

    def _question(self, sig: Signals, state: State) -> QuestionMatch | None:
        """The best question entry, when it is a clear match and one of the files answers it.

        A general way of asking about the topic that is clearly closer ("asilo", "como pido
        asilo") means the topic's own answer; a specific question needs its own entry.
        """
        general = max((c.score for c in sig.questions if c.country == GENERAL), default=0.0)
        for candidate in sig.questions:
            if candidate.country == GENERAL:
                continue
            if candidate.score < QUESTION_SCORE or candidate.score < general - GENERAL_MARGIN:
                return None
            owner = self._owner(candidate.question, state.country)
            if owner is not None or state.country is None:
                return QuestionMatch(owner or candidate.country, candidate.question, candidate.topic, candidate.score)
        return None

    def _owner(self, question_id: str, country: str | None) -> str | None:
        """Which file answers a question id for this person: their country's, else the region's."""
        if country and self.kb.question(country, question_id):
            return country
        if self.kb.question(REGIONAL, question_id):
            return REGIONAL
        return None

    def _topic(self, sig: Signals, turn: Turn) -> str | None:
        """The topic from the locale words (the question part weighs more), else the classifier's."""
        words = sig.topic_words
        intent_topic = TOPIC_INTENTS.get(turn.intent)
        if turn.intent == "nearest_office":
            intent_topic = "nearest"
        if words:
            ranked = sorted(words.items(), key=lambda kv: -kv[1])
            top = [t for t, w in ranked if w == ranked[0][1]]
            if intent_topic in top:
                return intent_topic
            if len(top) == 1:
                return top[0]
            if "nearest" in top:
                return "nearest"
            return top[0] if turn.confidence < INTENT_CONFIDENCE else (intent_topic or top[0])
        if intent_topic and turn.confidence >= INTENT_CONFIDENCE:
            return intent_topic
        return None

    def _answer_or_ask(self, state: State, topic: str) -> Reply:
        if state.country is None:
            reply = Reply(slots={"pending_topic": topic, "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(), state))
        return self._answer(state, topic)

    def _answer_question(self, state: State, match: QuestionMatch) -> Reply:
        if match.country == REGIONAL:
            reply = self._render_entry(state, REGIONAL, match.question)
            if state.country is None:
                topic = REGIONAL_TO_TOPIC.get(match.topic, match.topic)
                reply.slots.update({"pending_topic": topic, "awaiting": "country"})
                reply.say("regional_then_country", state.language)
                return reply.extend(self._menu(menus.country_menu(), state))
            return reply.extend(self._menu(menus.after_answer_menu(match.topic, False), state))
        if state.country is None:
            reply = Reply(
                slots={"pending_question": match.question, "pending_topic": match.topic, "awaiting": "country"}
            )
            return reply.extend(self._menu(menus.country_menu(), state))
        if self.kb.question(state.country, match.question) is None:
            return self._answer(state, match.topic)
        return self._render_entry(state, state.country, match.question).extend(
            self._menu(menus.after_answer_menu(match.topic, False), state)
        )

    def _render_entry(self, state: State, country: str, question_id: str) -> Reply:
        entry = self.kb.question(country, question_id)
        assert entry is not None
        found = from_entry(self.kb, entry, entry.topic, country, state.language, dated_years=self.dated_years)
        reply = Reply(
            slots={
                "last_question": question_id,
                "last_topic": entry.topic,
                "pending_question": None,
                "pending_topic": None,
                "awaiting": None,
            }
        )
        reply.messages.append(found.message() if hasattr(found, "message") else {"text": found.render()})
        return reply

    def _contact(self, state: State, topic: str | None, town: str | None = None) -> Reply:
        """Asked for a phone, address or hours: only what a source gives, and who can confirm.

        Places in the town the person named come first; the details shown are exactly the
        place's sourced fields, so no digit reaches the person that is not in a source.
        """
        lang = state.language
        places = [p for p in self.kb.places if state.country is None or p.country == state.country]
        if town:
            here = [p for p in places if fold(p.place.city) == fold(town)]
            places = here or places
        if topic in (None, "asylum", "nearest", "documents"):
            places = [p for p in places if p.place.kind == "asylum_office"] or places
        with_contact = [p for p in places if p.place.phone or p.place.address or p.place.hours or p.place.website]
        reply = Reply()
        if not places:
            return reply.say("no_contact_unknown", lang).extend(self._menu(menus.main_menu(), state))
        if with_contact:
            for item in with_contact[:3]:
                place = item.place
                details = "; ".join(
                    part for part in (place.address, place.city, place.phone, place.hours, place.website) if part
                )
                reply.say("contact_known", lang, place=place.name, details=details)
        known = ", ".join(dict.fromkeys(f"{p.place.name} ({p.place.city})" for p in places[:3]))
        if len(with_contact) < len(places):
            reply.say("no_contact", lang, known=known)
        return reply.extend(self._menu(menus.main_menu(), state))

    def _place_named(self, state: State, turn: Turn, sig: Signals) -> Reply:
        """Only a country or a town: finish what waited for it, follow up, or look up places."""
        if state.awaiting == "town" and sig.where.town:
            return self.nearest(state, Turn("inform_town", turn.text, city=sig.where.town))
        if sig.where.now is None and sig.where.town is None:
            # only an origin or a destination: which country the person is in is still unknown
            if state.country is None:
                return self.change_country(state, turn)
            return self.fallback(state, turn)
        if state.pending_question or state.pending_topic or state.awaiting in ("country", "town"):
            return self.set_country(state, turn)
        if sig.where.town and sig.where.mentions[-1].via == "town" and not sig.follow_up:
            return self.nearest(state, Turn("inform_town", turn.text, city=sig.where.town))
        if state.last_question and self.kb.question(state.country or "", state.last_question):
            return self._render_entry(state, state.country or "", state.last_question).extend(
                self._menu(menus.after_answer_menu(state.last_topic or "asylum", False), state)
            )
        if state.last_topic:
            return self._answer(state, state.last_topic)
        return self.set_country(state, turn)

    def _danger(self, state: State, turn: Turn, sig: Signals) -> Reply:
        """The emergency line first, then what helps for this kind of danger."""
        lang = state.language
        reply = self._emergency_line(state)
        child = sig.who.child_alone
        if child:
            reply.say("child_alone", lang)
        if state.country is None:
            reply.slots.update({"pending_topic": "special_protection" if child else "emergency", "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(), state))
        if child:
            if self.kb.question(state.country, "children_alone"):
                match = QuestionMatch(state.country, "children_alone", "special_protection", 1.0)
                return reply.extend(self._answer_question(state, match))
            return reply.extend(self._answer(state, "special_protection"))
        asked = self._question(sig, state)
        if asked is not None and asked.topic != "emergency":
            return reply.extend(self._answer_question(state, asked))
        topic = self._topic(sig, turn)
        if topic in TOPICS and topic != "emergency":
            return reply.extend(self._answer(state, topic))
        return reply.extend(self._answer(state, "emergency"))

    def _emergency_line(self, state: State) -> Reply:
        lang = state.language
        if (
            state.country is None
            or not self.kb.countries.get(state.country)
            or not self.kb.countries[state.country].emergency
        ):
            return Reply().say("emergency_numbers", lang, numbers=self.emergency_numbers(lang))
        emergency = self.kb.countries[state.country].emergency
        assert emergency is not None
        return Reply().say("emergency_call", lang, number=emergency.number, label=getattr(emergency.label, lang))

    def emergency_numbers(self, language: str) -> str:
        """Every country's emergency number, from the knowledge base ("México 911 · Guatemala 110 · …")."""
        return " · ".join(
            f"{getattr(f.name, language, f.name.es)} {f.emergency.number}"
            for cid, f in self.kb.countries.items()
            if cid != REGIONAL and f.emergency
        )

    def sources(self, state: State, turn: Turn) -> Reply:
        """Staff: the exact citations of the last answer (people get the source name and date)."""
        lang = state.language
        entry = None
        if state.country and state.last_question:
            entry = self.kb.question(state.country, state.last_question) or self.kb.question(
                REGIONAL, state.last_question
            )
        if entry is None and state.country and state.last_topic:
            entry = self.kb.entry(state.country, state.last_topic)
        if entry is None:
            return Reply().say("sources_none", lang)
        lines = [locales.say("sources_header", lang)]
        for ref in entry.sources:
            doc = self.kb.sources[ref.id]
            lines.append(
                f"- {doc.short}: {doc.title} ({doc.publisher}, {doc.year}) {doc.url or doc.file or ''} · {ref.where}"
            )
        return Reply().text("\n".join(lines))

    # -- menus -------------------------------------------------------------------------------

    def _menu(self, menu: menus.Menu, state: State) -> Reply:
        return Reply(messages=[menus.message(menu, state.language)], slots={"menu": menu.encode()})

    def show_menu(self, state: State, turn: Turn) -> Reply:
        reply = Reply(slots={"awaiting": None, "pending_topic": None, "pending_question": None})
        return reply.extend(self._menu(menus.main_menu(), state))

    def fallback(self, state: State, turn: Turn) -> Reply:
        """Low confidence: use what we were waiting for, else say so honestly and show the menu.

        A named town is the one thing safe to act on ("im in tapachula what do i do"): the
        nearest help points. Nothing else is guessed.
        """
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
        reply = Reply(slots={"last_topic": topic, "last_question": None, "pending_topic": None, "awaiting": None})
        if found is None:
            reply.say("no_entry", state.language)
            return reply.extend(self._menu(menus.main_menu(), state))
        reply.messages.append(
            found.message(with_more) if hasattr(found, "message") else {"text": found.render(with_more)}
        )
        has_more = bool(found.more) and not with_more
        return reply.extend(self._menu(menus.after_answer_menu(topic, has_more), state))

    def more(self, state: State, turn: Turn) -> Reply:
        if state.last_question and state.country:
            entry = self.kb.question(state.country, state.last_question) or self.kb.question(
                REGIONAL, state.last_question
            )
            if entry is not None and entry.more is not None:
                owner = state.country if self.kb.question(state.country, state.last_question) else REGIONAL
                found = from_entry(self.kb, entry, entry.topic, owner, state.language, dated_years=self.dated_years)
                reply = Reply(messages=[found.message(with_more=True)])
                return reply.extend(self._menu(menus.after_answer_menu(entry.topic, False), state))
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
        if state.pending_question and self.kb.question(state.country, state.pending_question):
            match = QuestionMatch(state.country, state.pending_question, state.pending_topic or "asylum", 1.0)
            return self._answer_question(state, match)
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
        reply = self._emergency_line(state)
        if state.country is None:
            reply.slots.update({"pending_topic": "emergency", "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(), state))
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
