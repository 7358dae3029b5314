"""Text normalisation shared by matching code (gazetteer, aliases, keywords)."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9ñ]+")


def fold(text: str) -> str:
    """Lower-case, strip accents (keeping ñ as n), and collapse punctuation to single spaces.

    People on cheap phones write without accents ("tecun uman", "mexico"), so every match is made
    on folded text on both sides.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", no_marks).strip()
