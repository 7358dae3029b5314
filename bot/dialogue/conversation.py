"""What Ruta says next: every message, read as signals, decided in one place.

Rasa sends every message to ``action_respond``; :meth:`Dialogue.respond` reads the message's
signals (``bot.understand``) and decides. Keeping the logic here means it is tested without a
model or a server, and every path ends in a numbered menu so the person is never stuck.
"""

from __future__ import annotations

from bot import locales, menus
from bot.dialogue.answers import Answers
from bot.dialogue.places import PLACE_KINDS, Places
from bot.dialogue.state import Reply, State, Turn
from bot.kb import REGIONAL_TOPICS
from bot.text import fold
from bot.understand import signals as read_signals
from bot.understand import topics
from bot.understand.questions import GENERAL, REGIONAL, QuestionMatch
from bot.understand.signals import Signals
from bot.understand.topics import REGIONAL_TO_TOPIC, TOPIC_INTENTS
from bot.world import KnowledgeBase

QUESTION_SCORE = 0.5
"""A question entry answers a message when its best phrasing is at least this similar
(TF-IDF character n-grams, cosine); below it, the topic's general answer is safer."""


CONTACT_OVER_QUESTION = 0.8
"""Asking for a phone, address or hours wins over a question entry unless that is a near-exact match."""

OFF_TOPIC_MARGIN = 0.15
"""A question of a topic the message's words do not name must be this much more similar."""
PENDING_OVER = 0.6
"""A country given while an answer waits for it finishes that answer, unless the message also
asks a question entry this close."""
HOTLINE_TOPICS = frozenset({"special_protection", "emergency"})
"""A number asked for about these is a help line their answer gives, not an office's phone."""
DEPORT_OVER_QUESTION = 0.6
NO_RETURN_QUESTION = "can_they_deport_me"
"""Asked whether they can be sent back, a person gets this question entry (the region's, or the
country's own) unless a question entry matches at least :data:`DEPORT_OVER_QUESTION` (a
detained person's "me van a deportar de la estación" has its own)."""

ALERT_TURNS = 3
"""After a danger message, this many following replies keep the emergency line first: people
answer "which country?" or add details ("somos 20 y hay niños"), and the number must stay in view."""

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
        if now is None and sig.follow_up:
            now = sig.where.destination  # "¿y si me voy para Guatemala?": ask about where they would be
        if sig.where.origin and sig.where.origin != state.origin:
            reply.slots["origin"] = sig.where.origin
        if now and now != state.country:
            reply.slots["country"] = now
            state = State(**{**state.__dict__, "country": now})
        if turn.group is not None and turn.group != state.group:
            reply.slots["group"] = turn.group
            state = State(**{**state.__dict__, "group": turn.group})
        if sig.danger or sig.who.child_alone:
            reply.slots["alert"] = str(ALERT_TURNS)
            return reply.extend(self._danger(state, turn, sig))
        alert = int(state.alert or 0) if str(state.alert or "").isdigit() else 0
        if alert > 0:
            return reply.extend(self._in_alert(state, turn, sig, alert))
        answered = self._understood(state, turn, sig)
        if "country" in reply.slots and answered.slots.get("country", now) == now:
            answered = self._say_country(state, answered)
        return reply.extend(answered)

    def _say_country(self, state: State, answered: Reply) -> Reply:
        """An answer for a country the person only implied ("ando en huehue", "la COMAR") names it
        first, so a misread place is seen at once; answers that already name it stay as they are."""
        said = "\n".join(m["text"] for m in answered.messages)
        if not (answered.slots.get("last_question") or answered.slots.get("last_topic")) or not said:
            return answered
        file = self.kb.countries.get(state.country or "")
        names = [file.name.get(lang) for lang in locales.languages()] if file else []
        if not names or any(fold(n) in fold(said) for n in names):
            return answered
        return Reply().text(f"{self._country_name(state)}:").extend(answered)

    def _in_alert(self, state: State, turn: Turn, sig: Signals, alert: int) -> Reply:
        """The turns after a danger message: the emergency line stays first, and a message that
        is not understood gets the country's emergency advice rather than "I did not understand"."""
        reply = Reply(slots={"alert": str(alert - 1) if alert > 1 else None})
        if sig.act in ("thanks", "goodbye"):
            return reply.extend(self._emergency_line(state)).extend(self._understood(state, turn, sig))
        answered = self._understood(state, turn, sig)
        said = "\n".join(m["text"] for m in answered.messages)
        line = self._emergency_line(state)
        if line.messages and line.messages[0]["text"] not in said:
            reply.extend(line)
        if state.country and answered.messages and said.startswith(locales.say("fallback", state.language)):
            return reply.extend(self._answer(state, "emergency"))
        return reply.extend(answered)

    def _understood(self, state: State, turn: Turn, sig: Signals) -> Reply:
        lang = state.language
        if sig.number is not None and sig.words <= 3:
            return self.choose(state, Turn(turn.intent, turn.text, number=sig.number))
        if sig.switch_to:
            if not (sig.topic_words or self._asks_a_question(sig)):
                return self._switch_language(state, sig.switch_to)
            # "do you speak spanish? necesito asilo en mexico": the question, in the language asked for
            switched = State(**{**state.__dict__, "language": sig.switch_to})
            plain = Signals(**{**sig.__dict__, "switch_to": None})
            return Reply(slots={"language": sig.switch_to}).extend(self._understood(switched, turn, plain))
        act = sig.act or (sig.leading_act if not sig.topic_words and not sig.where.mentions else None)
        if act:
            act_reply = self._act(act, state, turn)
            if act_reply is not None:
                return act_reply
        if sig.guarantee:
            reply = Reply().say("no_guarantee", lang)
            return reply.extend(self._answer_or_ask(state, "legal_aid"))
        if sig.where.mentions and not sig.topic_words and not sig.specific:
            placed = self._place_named(state, turn, sig)  # "im in guatemala": only a place
            if sig.leading_act == "greet":  # "saludos desde Honduras": say hello first
                return Reply().say("greet", lang).extend(placed)
            return placed
        question = self._question(sig, state)
        waiting = state.awaiting == "country" and (state.pending_question or state.pending_topic)
        if waiting and sig.where.now and not sig.topic_words and (question is None or question.score < PENDING_OVER):
            return self._place_named(state, turn, sig)  # "estoy en panamá, en la ciudad": what waited for it
        if sig.deport_question and (question is None or question.score < DEPORT_OVER_QUESTION):
            owner = self._owner(NO_RETURN_QUESTION, state.country)
            if owner is not None:  # "can they send me back while i wait?": not being sent back, everywhere
                return self._answer_question(state, QuestionMatch(owner, NO_RETURN_QUESTION, "non_refoulement", 1.0))
        topic = self._topic(sig, turn) or self._general_topic(sig)
        # "¿hay un número para mujeres?" (no office or place named): the help lines of the answer
        hotline = topic in HOTLINE_TOPICS and state.country is not None and not sig.where.mentions
        if sig.contact and not hotline and (question is None or question.score < CONTACT_OVER_QUESTION):
            return self._contact(state, topic, sig.where.town, turn.text)
        if question is not None:
            return self._answer_question(state, question)
        if topic == "nearest" or (topic is None and turn.intent == "nearest_office"):
            city = sig.where.town or turn.city
            if city and not sig.where.town and sig.where.now and self.country_of_town(city) != sig.where.now:
                city = None  # the classifier's town ("mexico") is not where the message says the person is
            # "nearest office, i'm in belmopan", or "and where is that office?" after an answer for a
            # country: that country's offices (the reply offers a town for nearer ones)
            if city is None and (sig.where.now or (state.country and state.last_topic)):
                state = State(**{**state.__dict__, "awaiting": "town"})
            return self.nearest(state, Turn("nearest_office", turn.text, city=city))
        if topic in REGIONAL_TOPICS:
            return self._answer(State(**{**state.__dict__, "country": REGIONAL}), topic).extend(
                Reply(slots={"country": state.country})
            )
        if topic is not None:
            return self.ask_topic(state, Turn(turn.intent, turn.text, city=sig.where.town or turn.city), topic)
        if sig.where.mentions:
            return self._place_named(state, turn, sig)
        return self.fallback(state, turn)

    def _switch_language(self, state: State, language: str) -> Reply:
        """Answer in the language asked for from now on; repeat the last answer in it."""
        switched = State(**{**state.__dict__, "language": language})
        reply = Reply(slots={"language": language}).say("language_changed", language)
        if switched.country and switched.last_question and self._owner(switched.last_question, switched.country):
            owner = self._owner(switched.last_question, switched.country) or switched.country
            return reply.extend(self._render_entry(switched, owner, switched.last_question))
        if switched.country and switched.last_topic:
            return reply.extend(self._answer(switched, switched.last_topic))
        return reply.say("greet", language).extend(self.show_menu(switched, Turn("", "")))

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
        """The best question entry, when the message asks something specific and one of the
        files answers it. A message that only names a topic and a place ("asilo", "como pido
        asilo en México") gets the topic's own answer."""
        if not sig.specific:
            return None
        # what is asked ("trabajar", "para mujeres") rules out questions of other topics; the words that
        # mostly describe a situation ("sin papeles", "pedí asilo", "deportado") do not
        named = {t for t in topics.asked(sig.topic_words) if topics.BACKGROUND.get(t, 1.0) > topics.SITUATION}
        for candidate in sig.questions:
            if candidate.score < QUESTION_SCORE or candidate.country == GENERAL:
                return None  # too far from every question, or closest to a general way of asking
            topic = REGIONAL_TO_TOPIC.get(candidate.topic, candidate.topic)
            if named and topic not in named and candidate.score < QUESTION_SCORE + OFF_TOPIC_MARGIN:
                continue  # "puedo trabajar si ya pedí asilo" is about work: not the asylum deadline
            owner = self._owner(candidate.question, state.country)
            if owner is not None or state.country is None:
                return QuestionMatch(owner or candidate.country, candidate.question, candidate.topic, candidate.score)
        return None

    @staticmethod
    def _general_topic(sig: Signals) -> str | None:
        """The topic of the closest general way of asking, when nothing else names one ("¿es gratis?")."""
        best = sig.questions[0] if sig.questions else None
        if best is not None and best.country == GENERAL and best.score >= QUESTION_SCORE:
            return best.topic
        return None

    def _topic(self, sig: Signals, turn: Turn) -> str | None:
        """The topic from the locale words (the question part weighs more), else the classifier's."""
        words = sig.topic_words
        intent_topic = TOPIC_INTENTS.get(turn.intent)
        if turn.intent == "nearest_office":
            intent_topic = "nearest"
        if words:
            ranked = sorted(words.items(), key=lambda kv: -kv[1])
            placeless = [t for t, _ in ranked if t not in PLACE_KINDS and t not in ("nearest", "emergency")]
            if ranked[0][0] == "nearest" and placeless:
                return placeless[0]  # "where is a doctor for me": no clinic is listed, health is asked
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
        """The emergency line first, then what helps for this kind of danger, then whatever
        else the message asks (a false alarm must not cost the answer)."""
        lang = state.language
        reply = self._emergency_line(state)
        # a child alone, or a child writing of their own danger ("tengo 14 y me quieren matar")
        child = sig.who.child_alone or (sig.who.writer_minor and sig.danger is not None)
        # someone else's child in danger ("mi hijo de 12..."): child protection, unless more is asked
        their_child = not child and sig.who.minor and sig.danger is not None
        if child:
            reply.say("child_alone", lang)
        if state.country is None and child:
            # what holds everywhere for a child alone, then the country's child protection
            if self.kb.question(REGIONAL, "children_alone"):
                reply.extend(self._render_entry(state, REGIONAL, "children_alone"))
            reply.slots.update(
                {"pending_question": "children_alone", "pending_topic": "special_protection", "awaiting": "country"}
            )
            return reply.extend(self._menu(menus.country_menu(self.kb), state))
        if state.country is None and self._asks_more(sig):
            rest = self._understood(state, turn, sig)
            if rest.messages and not self._is_fallback(rest, lang):
                return reply.extend(rest)
        if state.country is None and sig.fear_of_return:
            # "si regreso me matan": not being sent back holds everywhere; then which country
            reply.extend(self._answer(State(**{**state.__dict__, "country": REGIONAL}), "non_refoulement"))
            reply.slots.update({"country": None, "pending_topic": "asylum", "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(self.kb), state))
        if state.country is None:
            reply.slots.update({"pending_topic": "emergency", "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(self.kb), state))
        if child:
            if self.kb.question(state.country, "children_alone"):
                match = QuestionMatch(state.country, "children_alone", "special_protection", 1.0)
                return reply.extend(self._answer_question(state, match))
            return reply.extend(self._answer(state, "special_protection"))
        if self._asks_more(sig):
            rest = self._understood(state, turn, sig)
            if rest.messages and not self._is_fallback(rest, lang) and rest.slots.get("last_topic") != "emergency":
                return reply.extend(rest)
        if their_child and self.kb.question(state.country, "children_alone"):
            match = QuestionMatch(state.country, "children_alone", "special_protection", 1.0)
            return reply.extend(self._answer_question(state, match))
        if sig.fear_of_return:
            return reply.extend(self._answer(state, "asylum"))
        return reply.extend(self._answer(state, "emergency"))

    @staticmethod
    def _asks_more(sig: Signals) -> bool:
        """Beside the danger, the message asks something of its own (a topic, a guarantee, a
        follow-up, a specific question): "la mara me busca, ¿cómo pido asilo?" gets both answers,
        and so does "¿y en México?" when a danger signal fires on it. A number asked for in
        danger ("what number do i call") is the emergency line itself."""
        return bool(sig.topic_words) or sig.guarantee or sig.follow_up or Dialogue._asks_a_question(sig)

    @staticmethod
    def _asks_a_question(sig: Signals) -> bool:
        """Specific words, and a question entry close enough to answer."""
        return bool(sig.questions) and sig.specific and sig.questions[0].score >= QUESTION_SCORE

    @staticmethod
    def _is_fallback(reply: Reply, language: str) -> bool:
        return bool(reply.messages) and reply.messages[0]["text"].startswith(locales.say("fallback", language))
