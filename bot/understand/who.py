"""Who is writing: an age, a child, travelling alone, a group (women, LGBTI, families...).

A child alone must reach child protection and the emergency line, so the age a person gives
("tengo 13", "my son is 12") is read here, and never taken for a menu choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import locales
from bot.understand import patterns

ADULT_AGE = 18


@dataclass(frozen=True)
class Who:
    age: int | None = None
    child: bool = False  # a child is mentioned (an age under 18, or a child word)
    alone: bool = False  # travelling without parents or an adult
    parent: bool = False  # the writer travels with their own children ("estoy sola con mis hijos")

    @property
    def minor(self) -> bool:
        return self.age is not None and self.age < ADULT_AGE

    @property
    def child_alone(self) -> bool:
        """A child without an adult: an age under 18 with "alone", or a child word with "alone"
        when the writer is not a parent travelling with their children."""
        return self.alone and (self.minor or (self.child and not self.parent))


def _age_regex() -> re.Pattern[str]:
    pieces = []
    for template in locales.words("age_patterns"):
        words = patterns.normalise(template.replace("{n}", "NUMBERX")).replace("numberx", "NUMBERX")
        body = r"\s+".join(re.escape(w) if w != "NUMBERX" else r"(\d{1,2})" for w in words.split())
        pieces.append(body)
    pieces.sort(key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(pieces) + r")\b")


_AGE: re.Pattern[str] | None = None
_COUNTED = set(
    """hijos hijas hijo hija ninos ninas dias dia meses mes semanas semana horas hora personas persona
    minutos cuadras km kilometros millas dolares pesos quetzales lempiras colones mil veces kids children
    days day months month weeks week hours hour people persons minutes blocks miles dollars times am pm""".split()
)
"""Words after a number that make it a count, not an age ("tengo 2 hijos", "is 5 blocks away")."""


def age_in(folded: str) -> tuple[int, int, int] | None:
    """(age, start, end) of an age in the message, if it states one between 0 and 99."""
    global _AGE
    if _AGE is None:
        _AGE = _age_regex()
    numbers = locales.words("number_words")
    folded = " ".join(str(numbers[w]) if w in numbers else w for w in folded.split())
    for match in _AGE.finditer(folded):
        value = next((g for g in match.groups() if g), None)
        following = folded[match.end() :].split()[:1]
        if following and following[0] in _COUNTED:
            continue
        if value is not None:
            return int(value), match.start(), match.end()
    return None


def read(folded: str) -> Who:
    found = age_in(folded)
    age = found[0] if found else None
    child_word = patterns.has(locales.words("child_words"), folded)
    only = patterns.matcher(locales.words("only_phrases"))  # "solo quiero saber": "only", not "alone"
    alone = patterns.has(locales.words("alone_words"), only.sub(" ", folded) if only else folded)
    parent = patterns.has(locales.words("parent_markers"), folded)
    return Who(age=age, child=child_word or (age is not None and age < ADULT_AGE), alone=alone, parent=parent)
