"""What the channels say by themselves, read from the locales (section ``channel``).

Why the locales and not each channel: Twilio and REST answer BORRAR/DELETE, an empty message
and a first contact the same way, and a new language is a new ``bot/locales/<xx>.yml``, not a
dictionary to find in two channels. The one fallback rule applies: a sentence a language lacks
is the default language's (``bot.locales.DEFAULT``).

Before Ruta knows the person's language (a media-only or empty first message) it writes in every
language it has a catalogue for, one line each; a line that falls back to the default's text is
not repeated. The erase words are each language's ``words.erase_requests``: a whole message that
is one of them (after ``fold``: any case, accents, punctuation) erases the conversation and is
answered in that language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from bot import locales
from bot.text import fold

SECTION = "channel"
MAX_ERASE_CHARS = 40
"""Longer messages are never an erase request ("como borrar mis antecedentes penales" is a question)."""


def say(key: str, language: str, **variables: Any) -> str:
    """The channel sentence ``key`` in ``language`` (or the default), ``{variables}`` filled in."""
    return locales.text(SECTION, key, language, **variables)


def every_language(key: str, **variables: Any) -> str:
    """``key`` in each language, one line each, the default first; no line twice."""
    return "\n".join(dict.fromkeys(say(key, language, **variables) for language in locales.languages()))


def erase_language(text: str) -> str | None:
    """The language whose erase words the whole message is, else None."""
    return _erase_requests(locales.directory()).get(fold(text)) if len(text) < MAX_ERASE_CHARS else None


@cache
def _erase_requests(_folder: Path) -> dict[str, str]:
    """Folded erase word → its language, for the catalogues in ``_folder`` (the first language wins)."""
    found: dict[str, str] = {}
    for language in locales.languages():
        for word in locales.words("erase_requests", language):
            found.setdefault(fold(word), language)
    return found


def erased(removed: int, language: str) -> str:
    """The answer to an erasure that worked: what was removed, or that nothing was stored."""
    return say("erased" if removed else "nothing_stored", language)
