"""Where the person is now, where they come from, where they are going.

"soy salvadoreño pero ya vivo en Guatemala" must be answered for Guatemala: the country to answer
for is where the person is now (for a returnee, the country that received them); the country of
origin is context. Each country or town mention gets a role from the words just before it
("estoy en", "vengo de", "voy para"), from the locale word lists of every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot import locales
from bot.text import fold
from bot.understand import patterns

_WINDOW = 5  # words before a mention in which a role marker counts
MAX_TOWNS = 3
FUZZY_MIN_LETTERS = 5
FUZZY_CUTOFF = 82


@dataclass(frozen=True)
class Mention:
    country: str
    start: int  # character offset in the folded text
    via: str  # "country" (a name, demonym or institution) or "town"
    name: str
    role: str  # "now", "from", "to", "before" (where they were: context only) or "" (unmarked)
    strength: int  # 3 explicit marker, 2 returnee/plain preposition, 1 unmarked town, 0 unmarked
    typed: str = ""  # the words as written ("tegus" for Tegucigalpa), folded


@dataclass
class Where:
    mentions: list[Mention] = field(default_factory=list)

    def _best(self, role: str) -> Mention | None:
        ranked = [m for m in self.mentions if m.role == role]
        return max(ranked, key=lambda m: (m.strength, m.start)) if ranked else None

    @property
    def now(self) -> str | None:
        """The country to answer for: an explicit "I am in", else an unmarked mention."""
        best = self._best("now") or self._best("")
        return best.country if best else None

    @property
    def destination(self) -> str | None:
        best = self._best("to")
        return best.country if best else None

    @property
    def origin(self) -> str | None:
        """Where the person comes from: a country or demonym before a town ("im mexican... from
        arizona" is Mexico, not the Honduran town of Arizona)."""
        said = [m for m in self.mentions if m.role == "from"]
        best = max(said, key=lambda m: (m.via == "country", m.strength, m.start)) if said else None
        return best.country if best else None

    @property
    def town(self) -> str | None:
        """A town named as where the person is (or with no role), for nearest-place searches."""
        towns = [m for m in self.mentions if m.via == "town" and m.role in ("now", "")]
        return towns[-1].name if towns else None

    @property
    def countries(self) -> set[str]:
        return {m.country for m in self.mentions}


def _role(folded: str, start: int) -> tuple[str, int]:
    before = " ".join(folded[:start].split()[-_WINDOW:])
    best: tuple[int, str, int] = (0, "", 0)  # (marker length, role, strength)
    for role, key, strength in (
        ("now", "now_markers", 3),
        ("from", "origin_markers", 3),
        ("to", "destination_markers", 3),
        ("before", "before_markers", 3),
    ):
        for match in patterns.find(locales.words(key), before):
            # the marker must end right before the mention (at most one article between)
            rest = before[match.end() :].split()
            if len(rest) <= 1 and (not rest or rest[0] in ("el", "la", "los", "las", "the", "a")):
                length = match.end() - match.start()
                if length > best[0]:
                    best = (length, role, strength)
    if best[0]:
        return best[1], best[2]
    last = before.split()[-1:] if before else []
    if last and last[0] in ("en", "in", "aqui", "here", "at"):
        return "now", 2
    return "", 0


def _ordinary_words() -> frozenset[str]:
    """Words of every language ("pa", "es", "no"): a two-letter alias that is one of them is not
    read as a country inside a sentence; the countries' own codes ("gt", "cr") still are."""
    from bot.language import lexicon_words

    return lexicon_words() | frozenset(locales.words("stopwords"))


def _country_mentions(folded: str, aliases: dict[str, str]) -> list[tuple[str, int, str]]:
    ordinary = _ordinary_words()
    usable = {a: c for a, c in aliases.items() if len(a) > 2 or (len(a) == 2 and a not in ordinary)}
    found = [(usable[fold(m.group())], m.start(), m.group()) for m in patterns.find(tuple(sorted(usable)), folded)]
    if found:
        return found
    # typos ("belise", "costa rrica", "el salvdor"): one word or two against aliases of 5+ letters
    long_aliases = [a for a in usable if len(a) >= FUZZY_MIN_LETTERS]
    plain = set(locales.words("stopwords")) | set(locales.words("acknowledgements")) | set(locales.words("greetings"))
    words = [(m.group(), m.start()) for m in re.finditer(r"\S+", folded)]
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            chunk = " ".join(w for w, _ in words[i : i + size])
            if len(chunk) < FUZZY_MIN_LETTERS or (size == 1 and chunk in plain):
                continue
            if any(start <= words[i][1] < start + len(name) for _, start, name in found):
                continue
            match = process.extractOne(chunk, long_aliases, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if match:
                found.append((usable[match[0]], words[i][1], chunk))
    return found


def read(text: str, kb: object, country: str | None = None) -> Where:
    """Every country and town mention in ``text`` with its role; a town name shared across
    borders is read in a country the message names, else in the conversation's ``country``."""
    folded = patterns.normalise(text)
    where = Where()
    country_spans: list[tuple[int, int]] = []
    for cid, start, name in _country_mentions(folded, kb.country_aliases()):  # type: ignore[attr-defined]
        role, strength = _role(folded, start)
        where.mentions.append(Mention(cid, start, "country", name, role, strength))
        country_spans.append((start, start + len(name)))
    remaining = text
    not_towns = {fold(w) for w in locales.words("not_towns")}
    named = frozenset(m.country for m in where.mentions if m.via == "country") or frozenset({country} - {None})
    for _ in range(MAX_TOWNS):  # every town named, not only the longest ("...la estación en Tapachula")
        town = kb.gazetteer.find_in_text(remaining, prefer=named)  # type: ignore[attr-defined]
        if town is None:
            break
        names = sorted(town.names, key=len, reverse=True)
        typed = next((n for n in names if re.search(rf"\b{re.escape(n)}\b", folded)), None)
        index = folded.find(typed) if typed else -1
        inside_country = any(a <= index < b for a, b in country_spans)
        common = typed in not_towns  # "en la frontera" is the border, not Frontera (Coahuila)
        if index >= 0 and not inside_country and not common and typed not in kb.country_aliases():  # type: ignore[attr-defined]
            role, strength = _role(folded, index)
            where.mentions.append(Mention(town.country, index, "town", town.name, role, strength or 1, typed))
        found_name = next((n for n in names if n in fold(remaining)), None)
        if found_name is None:
            break
        remaining = fold(remaining).replace(found_name, " ")
    _returnee_home(folded, where)
    return where


def _returnee_home(folded: str, where: Where) -> None:
    """A returnee or someone still at home is in their own country: "soy chapín, me regresaron
    de Estados Unidos", "soy catracha y sigo en mi país". With no other place said to be "now",
    the country of origin becomes where they are."""
    if where.now is not None and any(m.role == "now" for m in where.mentions):
        return
    origin = where.origin
    if origin and patterns.has(locales.words("at_home_markers"), folded):
        where.mentions.append(Mention(origin, len(folded), "country", origin, "now", 3))
