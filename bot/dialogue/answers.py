"""Answers from the knowledge base: topics, question entries, menus, countries, numbers.

A mixin of :class:`bot.dialogue.conversation.Dialogue`: each handler turns a decision already
made from the message's signals into messages and slot changes.
"""

from __future__ import annotations

from bot import locales, menus
from bot.dialogue.state import Reply, State, Turn
from bot.kb import TOPICS
from bot.kb.answer import answer, from_entry
from bot.nlu.entities import find_country
from bot.understand.questions import REGIONAL, QuestionMatch
from bot.understand.topics import REGIONAL_TO_TOPIC
from bot.world import KnowledgeBase


class Answers:
    kb: KnowledgeBase
    dated_years: int

    def _menu(self, menu: menus.Menu, state: State) -> Reply:
        return Reply(messages=[menus.message(menu, state.language, self.kb)], slots={"menu": menu.encode()})

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

    def ask_topic(self, state: State, turn: Turn, topic: str) -> Reply:
        if topic == "shelter" and turn.city:  # "albergue para mujeres en tapachula": a place, not advice
            return self.nearest(state, turn, topic)
        country = state.country or self.country_of_town(turn.city)
        if country and country != state.country:
            located = State(**{**state.__dict__, "country": country})
            return Reply(slots={"country": country}).extend(self._answer(located, topic))
        if state.country is None:
            reply = Reply(slots={"pending_topic": topic, "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(self.kb), state))
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

    def _answer_or_ask(self, state: State, topic: str) -> Reply:
        if state.country is None:
            reply = Reply(slots={"pending_topic": topic, "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(self.kb), state))
        return self._answer(state, topic)

    def _answer_question(self, state: State, match: QuestionMatch) -> Reply:
        if match.country == REGIONAL:
            reply = self._render_entry(state, REGIONAL, match.question)
            if state.country is None:
                topic = REGIONAL_TO_TOPIC.get(match.topic, match.topic)
                reply.slots.update({"pending_topic": topic, "awaiting": "country"})
                reply.say("regional_then_country", state.language)
                return reply.extend(self._menu(menus.country_menu(self.kb), state))
            return reply.extend(self._menu(menus.after_answer_menu(match.topic, False), state))
        if state.country is None:
            reply = Reply(
                slots={"pending_question": match.question, "pending_topic": match.topic, "awaiting": "country"}
            )
            return reply.extend(self._menu(menus.country_menu(self.kb), state))
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

    def _owner(self, question_id: str, country: str | None) -> str | None:
        """Which file answers a question id for this person: their country's, else the region's."""
        if country and self.kb.question(country, question_id):
            return country
        if self.kb.question(REGIONAL, question_id):
            return REGIONAL
        return None

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
        return reply.extend(self._menu(menus.country_menu(self.kb), state))

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

    def emergency(self, state: State, turn: Turn) -> Reply:
        """The emergency number first; then the country's advice, or a question for the country."""
        reply = self._emergency_line(state)
        if state.country is None:
            reply.slots.update({"pending_topic": "emergency", "awaiting": "country"})
            return reply.extend(self._menu(menus.country_menu(self.kb), state))
        return reply.extend(self._answer(state, "emergency"))
