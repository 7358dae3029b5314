"""The conversational act of a message: a menu number, thanks, a greeting, "more", erase...

An act is read only when the message is nothing but that act ("gracias", "ok gracias", "2",
"opción 3"): "hola, necesito asilo en México" is a question with a greeting, and a number inside
a sentence ("tengo 13 años") is never a menu choice.
"""

from __future__ import annotations

import re

from bot import locales
from bot.understand import patterns

_CHOICE = re.compile(
    r"^(?:(?:opcion|option|numero|number|el|la|la opcion|the|no|n|#)\s*)?(\d{1,2}|[a-z]+)"
    r"(?:\s+(?:porfa|por favor|please|pls|plis))?$"
)

ACTS = (
    ("switch_language", "switch_language_words"),
    ("erase", "erase_words"),
    ("sources", "sources_words"),
    ("handoff", "handoff_words"),
    ("change_country", "change_country_words"),
    ("goodbye", "goodbyes"),
    ("thanks", "thanks"),
    ("more", "more_words"),
    ("menu", "menu_words"),
    ("greet", "greetings"),
    ("ack", "acknowledgements"),
)
"""Checked in this order; the first act whose words cover the whole message wins."""


def number(folded: str) -> int | None:
    """The menu choice in a message that is only a number ("2", "opción 3", "dos")."""
    match = _CHOICE.match(folded.strip())
    if not match:
        return None
    value = match.group(1)
    if value.isdigit():
        return int(value)
    return locales.words("number_words").get(value)


def _covers(entries: list[str], folded: str) -> bool:
    """True when the list's phrases (overlapping allowed) cover every word but filler."""
    pattern = patterns.matcher(entries)
    if pattern is None:
        return False
    covered = [False] * len(folded)
    for word in re.finditer(r"\S+", folded):
        match = pattern.match(folded, word.start())
        if match:
            covered[match.start() : match.end()] = [True] * (match.end() - match.start())
    leftover = [w.group() for w in re.finditer(r"\S+", folded) if not all(covered[w.start() : w.end()])]
    filler = set(locales.words("filler_words"))
    return any(covered) and not [w for w in leftover if w not in filler]


def read(folded: str) -> str | None:
    """The act that is the whole message, or None when the message asks something.

    Acts may combine ("ok gracias", "hola buenas tardes"): when the act words together cover
    the message, the first act of :data:`ACTS` present names it.
    """
    if not folded:
        return None
    present = [act for act, key in ACTS if patterns.has(locales.words(key), folded)]
    if not present:
        return None
    every = [w for _, key in ACTS if _ in present for w in locales.words(key)]
    return present[0] if _covers(every, folded) else None


LEADING = ("thanks", "greet", "goodbye")
"""Acts that may open a short message with a few words of their own ("gracias de verdad",
"buenas tardes, una consulta"): the act still answers when nothing else is asked."""
LEADING_EXTRA_WORDS = 6


def leading(folded: str) -> str | None:
    """A greeting, thanks or goodbye at the start of a short message, with a short tail."""
    ack = patterns.matcher(locales.words("acknowledgements"))
    opened = ack.match(folded) if ack else None  # "ok gracias, lo voy a intentar"
    start = opened.end() if opened else 0
    text = folded[start:].lstrip()
    for act, key in ACTS:
        if act not in LEADING:
            continue
        pattern = patterns.matcher(locales.words(key))
        match = pattern.match(text) if pattern else None
        if match and len(text[match.end() :].split()) <= LEADING_EXTRA_WORDS:
            return act
    return None
