"""Word lists → one compiled pattern over folded text.

A list entry is a phrase matched as whole words ("gun" is not in "gunther"); an entry ending in
"*" is a stem ("secuestr*" matches "secuestraron"); "..." stands for up to four words of any kind
("dar ... seguro" matches "me van a dar el permiso seguro"). Entries are folded the same way messages are,
so editors may write them with or without accents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.text import fold

GAP = r"(?:\s+\S+){0,4}?\s+"
"""What "..." in an entry matches: up to four words between its neighbours."""


def _piece(entry: str) -> str:
    stem = entry.endswith("*")
    chunks = [fold(c) for c in (entry[:-1] if stem else entry).split("...")]
    if not all(chunks):
        return ""
    body = GAP.join(r"\s+".join(re.escape(w) for w in chunk.split()) for chunk in chunks)
    return body + (r"\w*" if stem else "") + r"\b"


@lru_cache(maxsize=256)
def _compiled(entries: tuple[str, ...]) -> re.Pattern[str] | None:
    pieces = sorted({p for p in map(_piece, entries) if p}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(pieces) + ")") if pieces else None


def matcher(entries: Iterable[str]) -> re.Pattern[str] | None:
    """The pattern for a word list (cached: lists come from the locale files, which rarely change)."""
    return _compiled(tuple(entries))


def find(entries: Iterable[str], folded: str) -> list[re.Match[str]]:
    """Every non-overlapping match of the list in already-folded text."""
    pattern = matcher(entries)
    return list(pattern.finditer(folded)) if pattern else []


def has(entries: Iterable[str], folded: str) -> bool:
    pattern = matcher(entries)
    return bool(pattern and pattern.search(folded))


def normalise(text: str) -> str:
    """Folded text with the contractions people type joined the way the word lists write them."""
    folded = re.sub(r"([a-z])\1{2,}", r"\1", fold(text))  # "holaaa" -> "hola"
    folded = re.sub(r"\b(i|you|we|they|he|she|it|don|can|won|isn|doesn)\s+(m|re|s|t|ll|ve|d)\b", r"\1 \2", folded)
    return folded
