"""Danger, recall first: word lists per kind, plus a classifier for what the lists miss.

Runs on every message before anything else. A false alarm costs one line (the emergency
number); a miss can cost a life, so any one of the two signals is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import locales
from bot.understand import patterns

KIND_ORDER = (
    "suicide",
    "medical",
    "sexual_violence",
    "kidnapping",
    "trafficking",
    "weapon",
    "violence",
    "threat",
    "generic",
)
"""When a message shows several kinds, the first here names it (it decides the follow-up advice)."""


@dataclass(frozen=True)
class Danger:
    kind: str  # one of KIND_ORDER, or "child_alone", or "classifier"
    evidence: str  # the words that matched, for logs-free tests and staff


def any_words(folded: str) -> bool:
    """Whether any danger word of any kind is in the (normalised) message: one pattern, for
    screening thousands of texts where :func:`by_words`'s kind is not needed."""
    lists = locales.words("danger")
    return patterns.has([entry for kind in KIND_ORDER for entry in lists.get(kind, [])], folded)


def by_words(folded: str) -> Danger | None:
    """The first danger kind whose words appear in the (normalised) message."""
    lists = locales.words("danger")
    found: dict[str, str] = {}
    for kind, entries in lists.items():
        hits = patterns.find(entries, folded)
        if hits:
            found[kind] = hits[0].group()
    for kind in KIND_ORDER:
        if kind in found:
            return Danger(kind, found[kind])
    return None
