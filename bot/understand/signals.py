"""All signals of one message, read once: the dialogue decides from these, not from one intent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import locales
from bot.understand import acts, danger, patterns, questions, topics, where, who
from bot.understand.danger_model import classifier
from bot.understand.questions import tail_sentences


@dataclass
class Signals:
    folded: str
    danger: danger.Danger | None
    who: who.Who
    where: where.Where
    act: str | None
    number: int | None
    topic_words: dict[str, float]
    questions: list[questions.QuestionMatch] = field(default_factory=list)
    contact: bool = False  # asks for a phone, e-mail, address or hours
    guarantee: bool = False  # asks whether they will win
    fear_of_return: bool = False  # afraid of being sent back ("si regreso me matan"): asylum is the answer
    deport_question: bool = False  # asks whether they can be sent back ("me pueden deportar?")
    follow_up: bool = False  # "¿y en Panamá?": the same question for another place
    specific: bool = True  # words beyond a topic and a place: a specific question may be meant
    switch_to: str | None = None  # the language the person asks Ruta to use ("in english please")
    leading_act: str | None = None  # thanks or a greeting opening a short message

    @property
    def words(self) -> int:
        return len(self.folded.split())


def read(text: str, kb: Any, country: str | None) -> Signals:
    """Every signal of ``text``; ``country`` (the conversation's) scopes the question match."""
    folded = patterns.normalise(text)
    found_danger = danger.by_words(folded)
    if found_danger is None and classifier(kb).is_danger(text):
        found_danger = danger.Danger("classifier", "")
    place = where.read(text, kb, country)
    question_part = patterns.normalise(tail_sentences(text))
    scope = place.now or country
    index = questions.index_for(kb)
    person = who.read(folded)
    return Signals(
        folded=folded,
        danger=found_danger,
        who=person,
        where=place,
        act=acts.read(folded),
        number=acts.number(folded),
        topic_words=topics.scores(text),
        questions=index.match(text, scope, person.child),
        specific=bool(_specific(index.specific_words(text), place)),
        switch_to=_switch_to(folded),
        leading_act=acts.leading(folded),
        # asked in the question, not told in the story ("...el celular casi sin batería. ¿dónde me ayudan?")
        contact=patterns.has(locales.words("contact_words"), question_part),
        guarantee=patterns.has(locales.words("guarantee_words"), folded)
        and not patterns.has(locales.words("not_guarantee_words"), folded),
        fear_of_return=patterns.has(locales.words("fear_of_return"), folded),
        # in the question, not the story ("mi prima dice que me pueden deportar. ¿puedo trabajar?")
        deport_question=patterns.has(locales.words("deport_questions"), question_part),
        follow_up=patterns.has(locales.words("follow_up_markers"), folded) or folded.startswith(("y ", "and ")),
    )


SWITCH_MAX_WORDS = 14
"""A language request is read in short messages only; in a long story "en inglés" is content."""


def _switch_to(folded: str) -> str | None:
    """The language whose catalogue lists the words asking for it ("in english please" → en)."""
    if len(folded.split()) > SWITCH_MAX_WORDS:
        return None
    for language in locales.languages():
        if patterns.has(locales.words("switch_language_words", language), folded):
            return language
    return None


def _specific(words: list[str], place: where.Where) -> list[str]:
    """Specific words minus the words of the places named (a town alone is not a question)."""
    named = {
        w for mention in place.mentions for w in patterns.normalise(f"{mention.name} {mention.typed}").split()
    }
    return [w for w in words if w not in named]
