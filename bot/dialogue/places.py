"""Places: the nearest offices and shelters, ambiguous towns, and contact details.

A mixin of :class:`bot.dialogue.conversation.Dialogue`. Contact details are only ever the
place's sourced fields: no digit reaches a person that is not in a source.
"""

from __future__ import annotations

from typing import Any

from bot import menus
from bot.dialogue.state import Reply, State, Turn
from bot.text import fold
from bot.understand.signals import Signals
from bot.world import KnowledgeBase


class Places:
    kb: KnowledgeBase

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
