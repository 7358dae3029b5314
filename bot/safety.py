"""Words that mean someone may be in danger now: they get the emergency answer first, whatever
else the message asks and whatever the NLU model thought it meant."""

from __future__ import annotations

import re

from bot.text import fold

PHRASES: tuple[str, ...] = (
    # Spanish
    "me quieren matar",
    "nos quieren matar",
    "me van a matar",
    "lo van a matar",
    "la van a matar",
    "peligro",
    "secuestr",
    "me violaron",
    "violacion",
    "me golpea",
    "nos golpea",
    "me estan siguiendo",
    "me persiguen",
    "me amenaz",
    "amenazas de muerte",
    "nino solo",
    "nina sola",
    "ninos solos",
    "mi hijo esta solo",
    "mi hija esta sola",
    "menor solo",
    "auxilio",
    "socorro",
    "me estan pegando",
    "me quieren llevar",
    "me tienen encerrad",
    "violencia",
    # English
    "kill me",
    "going to kill",
    "want to kill",
    "danger",
    "kidnap",
    "raped",
    "rape",
    "hurting me",
    "beating me",
    "following me",
    "threaten",
    "child alone",
    "kid alone",
    "alone child",
    "my son is alone",
    "my daughter is alone",
    "help me please im",
    "locked up",
    "trafficked",
    "violence",
)


_PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in PHRASES) + ")")
"""Phrases must start at a word boundary ("rape" is not in "grapes"); stems like "secuestr" may
end anywhere, so "secuestraron" and "secuestro" both match."""


def is_emergency(text: str) -> bool:
    """True when the message contains a danger phrase (accent- and case-insensitive)."""
    return bool(_PATTERN.search(fold(text)))
