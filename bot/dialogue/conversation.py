"""What Ruta says next: every message, read as signals, decided in one place.

Rasa sends every message to ``action_respond``; :meth:`Dialogue.respond` reads the message's
signals (``bot.understand``) and decides. Keeping the logic here means it is tested without a
model or a server, and every path ends in a numbered menu so the person is never stuck.
"""

from __future__ import annotations

from bot import menus
from bot.dialogue.answers import Answers
from bot.dialogue.places import Places
from bot.dialogue.state import Reply, State, Turn
from bot.kb import TOPICS
from bot.kb.loader import KnowledgeBase
from bot.understand import signals as read_signals
from bot.understand.questions import GENERAL, QuestionMatch
from bot.understand.signals import Signals
from bot.understand.topics import TOPIC_INTENTS

QUESTION_SCORE = 0.55
"""A question entry answers a message when its best phrasing is at least this similar
(TF-IDF character n-grams, cosine); below it, the topic's general answer is safer."""

GENERAL_MARGIN = 0.12
"""How much closer a general way of asking about a topic must be to win over a question entry."""

INTENT_CONFIDENCE = 0.5
"""The trained classifier's topic is used alone only above this confidence."""


class Dialogue(Answers, Places):
    """Handlers for each kind of turn, over one knowledge base."""

    def __init__(self, kb: KnowledgeBase, dated_years: int = 2):
        self.kb = kb
        self.dated_years = dated_years

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
