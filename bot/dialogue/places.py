"""Places: the nearest offices and shelters, ambiguous towns, and contact details.

A mixin of :class:`bot.dialogue.conversation.Dialogue`. Contact details are only ever the
place's sourced fields: no digit reaches a person that is not in a source.
"""

from __future__ import annotations

from typing import Any

from bot import locales, menus
from bot.dialogue.state import Reply, State, Turn
from bot.text import fold
from bot.understand import patterns
from bot.understand.signals import Signals
from bot.world import KnowledgeBase

PLACE_KINDS: dict[str, frozenset[str]] = {
    "shelter": frozenset({"shelter"}),
    "legal_aid": frozenset({"legal_aid"}),
    "returnees": frozenset({"returnee_centre"}),
    "asylum": frozenset({"asylum_office"}),
    "documents": frozenset({"asylum_office"}),
    "special_protection": frozenset({"child_protection", "shelter"}),
}
"""The places that do what a topic is about: asked for a shelter in a town, shelters come first."""


class Places:
    kb: KnowledgeBase

    def _contact(self, state: State, topic: str | None, town: str | None = None, text: str = "") -> Reply:
        """Asked for a phone, address or hours: only what a source gives, and who can confirm.

        Places the person names ("el PANI", "ACNUR") or in the town they name come first; the
        details shown are exactly the place's sourced fields, and a detail asked for that no
        source gives is said to be missing, so no digit reaches the person that is not in a source.
        """
        lang = state.language
        folded = patterns.normalise(text)
        places = [p for p in self.kb.places if state.country is None or p.country == state.country]
        named = self._named_places(places, folded)
        if named is not None and named[1]:
            places = named[1]
        elif named is None and topic in (None, "asylum", "nearest", "documents"):
            places = [p for p in places if p.place.kind == "asylum_office"] or places
        if town:
            places = [p for p in places if fold(p.place.city) == fold(town)] or places
        reply = Reply()
        if named is not None and not named[1]:
            known = ", ".join(dict.fromkeys(f"{p.place.name} ({p.place.city})" for p in places[:2])) or "-"
            reply.say("no_contact_named", lang, institution=named[0], known=known)
            return reply.extend(self._menu(menus.main_menu(), state))
        if not places:
            return reply.say("no_contact_unknown", lang).extend(self._menu(menus.main_menu(), state))
        asked = [f for f, entries in locales.words("contact_fields").items() if patterns.has(entries, folded)]
        for item in places[:3]:
            place = item.place
            fields = (place.address, place.city, place.phone, place.hours, place.website)
            details = "; ".join(part for part in fields if part)
            reply.say("contact_known", lang, place=place.name, details=details)
            for field in asked:
                if not getattr(place, field, ""):
                    what = locales.say(f"field_{field}", lang)
                    reply.say("no_contact_field", lang, what=what, place=place.name)
        return reply.extend(self._menu(menus.main_menu(), state))

    def _named_places(self, places: list[Any], folded: str) -> tuple[str, list[Any]] | None:
        """(what the person named, the places it matches) when the message names an institution:
        a word of the message that is part of a place's name, or an acronym in capitals."""
        plain = set(locales.words("stopwords")) | {w for e in locales.words("contact_fields").values() for w in e}
        for file in self.kb.countries.values():  # a country's name says where, not which office
            plain.update(fold(f"{file.name.es} {file.name.en}").split())
        # a topic word says what, not which office ("la oficina del refugio" is not the clinic "...y Refugio")
        plain.update(w for entries in locales.words("topics").values() for e in entries for w in e.strip("*").split())
        words = [w for w in folded.split() if len(w) >= 3 and w not in plain]
        for word in words:
            hits = [p for p in places if word in fold(p.place.name).split()]
            if hits:
                return word.upper() if len(word) <= 6 else word, hits
        institutions = set(locales.words("institution_words")) | {a for a in self.kb.country_aliases() if len(a) <= 8}
        for word in words:
            if word in institutions:
                return word.upper(), []  # named, but no place of the knowledge base is it
        return None

    def _place_named(self, state: State, turn: Turn, sig: Signals) -> Reply:
        """Only a country or a town: finish what waited for it, follow up, or look up places."""
        if state.awaiting == "town" and sig.where.town:
            return self.nearest(state, Turn("inform_town", turn.text, city=sig.where.town))
        going = sig.follow_up and sig.where.destination is not None  # "¿y si me voy para Guatemala?"
        if sig.where.now is None and sig.where.town is None and not going:
            # only an origin or a destination: which country the person is in is still unknown
            if state.country is None:
                return self.change_country(state, turn)
            return self.fallback(state, turn)
        if state.pending_question or state.pending_topic or state.awaiting in ("country", "town"):
            return self.set_country(state, turn)
        if sig.where.town and sig.where.mentions[-1].via == "town" and not sig.follow_up:
            return self.nearest(state, Turn("inform_town", turn.text, city=sig.where.town))
        # a follow-up ("¿y en Honduras?"): the same question, said for which country it is
        header = Reply().text(f"{self._country_name(state)}:") if state.country else Reply()
        if state.last_question and self.kb.question(state.country or "", state.last_question):
            return header.extend(self._render_entry(state, state.country or "", state.last_question)).extend(
                self._menu(menus.after_answer_menu(state.last_topic or "asylum", False), state)
            )
        if state.last_topic and state.last_topic != "emergency":
            return header.extend(self._answer(state, state.last_topic))
        if state.last_topic:
            return self._answer(state, state.last_topic)
        return self.set_country(state, turn)

    def _country_name(self, state: State) -> str:
        file = self.kb.countries.get(state.country or "")
        return getattr(file.name, state.language, file.name.es) if file else ""

    def nearest(self, state: State, turn: Turn, topic: str | None = None) -> Reply:
        """Nearest places from a pin, a typed town, or — if nothing yet — ask where the person is.

        Places that do what the person asks about (``topic``, else the topic of the conversation)
        come first: a shelter for "albergue en Xela", an asylum office after an asylum answer."""
        from bot.geo import lookup

        serves = self._serves(state)
        kinds = PLACE_KINDS.get(topic or state.pending_topic or state.last_topic or "", frozenset())
        if turn.lat is not None and turn.lon is not None:
            result = lookup.lookup(self.kb, lat=turn.lat, lon=turn.lon, serves=serves, kinds=kinds)
        elif turn.city or (turn.intent == "inform_town" and turn.text.strip()):
            town = turn.city or turn.text
            result = lookup.lookup(self.kb, town=town, serves=serves, kinds=kinds)
            if state.country and result.status != "ambiguous" and result.home != state.country:
                # a name shared across borders ("Monterrey" is also in Honduras): the country the
                # conversation is in decides, when it has a town of that name
                local = lookup.lookup(self.kb, town=town, country=state.country, serves=serves, kinds=kinds)
                if local.status not in ("unknown_town", "ambiguous"):
                    result = local
        elif state.awaiting == "town" and state.country and turn.intent in ("inform_country", "nearest_office"):
            result = lookup.lookup(self.kb, country=state.country, serves=serves, kinds=kinds)
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
