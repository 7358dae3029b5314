"""Words that mean someone may be in danger now: they get the emergency answer first, whatever
else the message asks and whatever the NLU model thought it meant."""

from __future__ import annotations

import re

from bot.text import fold

# fmt: off
PHRASES: tuple[str, ...] = (
    # Spanish
    "me quieren matar", "nos quieren matar", "me van a matar", "lo van a matar", "la van a matar",
    "peligro", "secuestr*", "me violaron", "violacion", "me golpea*", "nos golpea*", "me estan siguiendo",
    "me persiguen", "amenaz*", "nino solo", "nina sola", "ninos solos", "mi hijo esta solo",
    "mi hija esta sola", "menor solo", "auxilio", "socorro", "me estan pegando", "me quieren llevar",
    "encerrad*", "encerraron", "violencia", "ayudaa*", "me asaltaron", "me pega", "me pegan", "me pegaron", "armado",
    "ayuda urgente", "urgente ayuda", "se perdio", "desaparecio", "desaparecid*", "estoy herid*",
    "nos abandonaron", "se esta muriendo",
    "extorsion*", "la mara me", "los de la mara", "emergencia", "me van a hacer algo",
    "me quiere vender", "rescate", "abuso sexual", "me estan golpeando",
    # English
    "kill me", "going to kill", "want to kill", "danger", "kidnap*", "raped", "rape", "hurting me",
    "beating me", "following me", "threaten*", "child alone", "kid alone", "alone child", "my son is alone",
    "my daughter is alone", "help me please im", "locked up", "trafficked", "violence", "emergency",
    "beats me", "beat me", "beaten", "gun", "urgent help", "help urgent", "is lost", "robbed", "im hurt", "i am hurt",
    "i m hurt", "left us in", "dying", "extortion", "gang found", "sexual abuse", "lock us", "lock me",
    "wont let us go", "won t let us go", "ransom", "disappeared", "sos", "gonna hurt", "hitting me",
)
# fmt: on


_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(p[:-1]) if p.endswith("*") else re.escape(p) + r"\b" for p in PHRASES) + ")"
)
"""Whole words ("gun" is not in "gunther", "rape" not in "grapes"); a phrase ending in "*" is a
stem, so "secuestr*" matches "secuestraron" and "secuestro"."""


def is_emergency(text: str) -> bool:
    """True when the message contains a danger phrase (accent- and case-insensitive)."""
    return bool(_PATTERN.search(fold(text)))
