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
    own_age: bool = False  # the age is the writer's ("tengo 13"), not someone else's ("mi hija de 8 años")
    relative_child: bool = False  # a child of the writer's family is named ("mi hijo", "my daughter")

    @property
    def writer_minor(self) -> bool:
        """The writer is a child: an own age under 18, or an age under 18 with no relative's
        child named ("soy un chavo de 16 años")."""
        return self.minor and (self.own_age or not self.relative_child)

    @property
    def minor(self) -> bool:
        return self.age is not None and self.age < ADULT_AGE

    @property
    def child_alone(self) -> bool:
        """A child without an adult: an age under 18 with "alone", or a child word with "alone"
        when the writer is not a parent travelling with their children."""
        return self.alone and (self.minor or (self.child and not self.parent))


def _age_regex(key: str) -> re.Pattern[str]:
    pieces = []
    for template in locales.words(key):
        words = patterns.normalise(template.replace("{n}", "NUMBERX")).replace("numberx", "NUMBERX")
        body = r"\s+".join(re.escape(w) if w != "NUMBERX" else r"(\d{1,2})" for w in words.split())
        pieces.append(body)
    pieces.sort(key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(pieces) + r")\b")


_AGES: dict[str, re.Pattern[str]] = {}
_COUNTED = set(
    """hijos hijas hijo hija ninos ninas dias dia meses mes semanas semana horas hora personas persona
    minutos cuadras km kilometros millas dolares pesos quetzales lempiras colones mil veces kids children
    days day months month weeks week hours hour people persons minutes blocks miles dollars times am pm""".split()
)
"""Words after a number that make it a count, not an age ("tengo 2 hijos", "is 5 blocks away")."""
WRITING_AGE = 12
"""Below this, "tengo 3 años en Costa Rica" is how long, not how old: young children do not write."""


def _is_duration(value: int, rest: str) -> bool:
    if value >= WRITING_AGE:
        return False  # "tengo 15 años en Tapachula": a teenager may write it; recall for children first
    return any(rest == d or rest.startswith(d + " ") for d in map(patterns.normalise, locales.words("duration_after")))


def _first_age(key: str, folded: str) -> tuple[int, int, int] | None:
    if key not in _AGES:
        _AGES[key] = _age_regex(key)
    for match in _AGES[key].finditer(folded):
        value = next((g for g in match.groups() if g), None)
        rest = folded[match.end() :].strip()
        following = rest.split()[:1]
        if value is None or (following and following[0] in _COUNTED) or _is_duration(int(value), rest):
            continue
        return int(value), match.start(), match.end()
    return None


def _numbers_as_digits(folded: str) -> str:
    numbers = locales.words("number_words")
    return " ".join(str(numbers[w]) if w in numbers else w for w in folded.split())


def ages_in(folded: str) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
    """(the first age in the message, the writer's own age), each (age, start, end) or None:
    "tengo 13" is both; in "mi hija de 8 años" the writer gives none of their own."""
    digits = _numbers_as_digits(folded)
    own = _first_age("own_age_patterns", digits)
    found = [a for a in (own, _first_age("age_patterns", digits)) if a]
    return (min(found, key=lambda a: a[1]) if found else None), own


def read(folded: str) -> Who:
    found, own = ages_in(folded)
    age = found[0] if found else None
    child_word = patterns.has(locales.words("child_words"), folded)
    only = patterns.matcher(locales.words("only_phrases"))  # "solo quiero saber": "only", not "alone"
    alone = patterns.has(locales.words("alone_words"), only.sub(" ", folded) if only else folded)
    parent = patterns.has(locales.words("parent_markers"), folded)
    return Who(
        age=age,
        child=child_word or (age is not None and age < ADULT_AGE),
        alone=alone,
        parent=parent,
        own_age=own is not None and found is not None and own[1] == found[1],
        relative_child=patterns.has(locales.words("relative_child_markers"), folded),
    )
