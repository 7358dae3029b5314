"""Plain entity finding for messages: country, town, group, number.

Why not a trained entity model: country aliases and town names are editor-maintained data that
change without retraining, and a person writing "guate" or "tecun uman" must be understood the
same way every time. The Rasa component in ``bot.rasa.gazetteer_extractor`` only wraps this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.language import lexicon_words
from bot.text import fold
from bot.world import KnowledgeBase

GROUPS: dict[str, tuple[str, ...]] = {
    "children": (
        "nino",
        "nina",
        "ninos",
        "ninas",
        "nene",
        "hijo",
        "hija",
        "hijos",
        "hijas",
        "menor",
        "menores",
        "adolescente",
        "adolescentes",
        "kid",
        "kids",
        "child",
        "children",
        "minor",
        "minors",
        "baby",
        "bebe",
        "chamaco",
        "chamacos",
        "cipote",
        "cipotes",
        "patojo",
        "patojos",
    ),
    "women": (
        "mujer",
        "mujeres",
        "woman",
        "women",
        "embarazada",
        "pregnant",
        "madre",
        "madres",
        "mother",
        "mothers",
        "senora",
        "chica",
        "chicas",
        "girls",
    ),
    "lgbti": (
        "lgbt",
        "lgbti",
        "lgbtiq",
        "lgbtq",
        "gay",
        "gays",
        "trans",
        "lesbiana",
        "lesbian",
        "bisexual",
        "queer",
        "transgenero",
        "transgender",
        "homosexual",
    ),
    "families": ("familia", "familias", "family", "families"),
    "returnees": (
        "deportado",
        "deportada",
        "deportados",
        "retornado",
        "retornados",
        "returnee",
        "returnees",
        "deported",
        "deportee",
        "deportees",
    ),
}
_GROUP_WORDS = {word: group for group, words in GROUPS.items() for word in words}

NUMBER_WORDS = {
    "cero": 0,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_DIGITS = re.compile(r"(?<![\d.,])(\d{1,2})(?![\d,]|\.\d)")
_SHORT_ALIAS_STOP = {"pa", "el", "la", "es", "en", "me", "mi", "si", "no", "se", "de", "un"}
_COMMON_WORDS = lexicon_words()  # every locale's detection lexicon


@dataclass(frozen=True)
class Found:
    """One entity: what it is, its normalised value, and where in the original text it sits."""

    entity: str
    value: str
    start: int
    end: int


def _spans(text: str) -> list[tuple[str, int, int]]:
    """Folded words with their character spans in the original text."""
    return [(fold(m.group()), m.start(), m.end()) for m in re.finditer(r"[^\W_]+", text)]


def find_country(text: str, aliases: dict[str, str]) -> Found | None:
    words = _spans(text)
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            chunk = words[i : i + size]
            phrase = " ".join(w for w, _, _ in chunk)
            if phrase in _SHORT_ALIAS_STOP:
                continue
            if phrase in aliases:
                return Found("country", aliases[phrase], chunk[0][1], chunk[-1][2])
    long_aliases = [a for a in aliases if len(a) >= 6]
    for word, start, end in words:
        if len(word) >= 6 and word not in _COMMON_WORDS:
            match = process.extractOne(word, long_aliases, scorer=fuzz.ratio, score_cutoff=85)
            if match:
                return Found("country", aliases[match[0]], start, end)
    return None


def find_town(text: str, kb: KnowledgeBase, country_span: Found | None) -> Found | None:
    town = kb.gazetteer.find_in_text(text)
    if town is None:
        return None
    key = fold(town.name)
    if key in kb.country_aliases() or key in _COMMON_WORDS:
        return None
    folded = fold(text)
    # locate the matched name in the original text for the span (best effort; folded == original length mostly)
    for name in sorted(town.names, key=len, reverse=True):
        idx = folded.find(name)
        if idx >= 0:
            if country_span and country_span.start <= idx < country_span.end:
                return None
            return Found("city", town.name, idx, idx + len(name))
    return Found("city", town.name, 0, len(text))


def find_group(text: str) -> Found | None:
    for word, start, end in _spans(text):
        if word in _GROUP_WORDS:
            return Found("group", _GROUP_WORDS[word], start, end)
    return None


def find_number(text: str) -> Found | None:
    """A menu choice: a number 0-99, or a number word in a message of at most three words."""
    match = _DIGITS.search(text)
    if match:
        return Found("number", str(int(match.group(1))), match.start(1), match.end(1))
    words = _spans(text)
    if len(words) <= 3:
        for word, start, end in words:
            if word in NUMBER_WORDS:
                return Found("number", str(NUMBER_WORDS[word]), start, end)
    return None


def extract(text: str, kb: KnowledgeBase) -> list[Found]:
    """All entities Ruta uses, from one message."""
    found: list[Found] = []
    country = find_country(text, kb.country_aliases())
    if country:
        found.append(country)
    town = find_town(text, kb, country)
    if town:
        found.append(town)
    for item in (find_group(text), find_number(text)):
        if item:
            found.append(item)
    return found
