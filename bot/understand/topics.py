"""The topic a message asks about, from the locale topic words, beside the trained classifier.

Why both: the classifier knows how whole sentences are phrased; the word lists are exact and
editable without retraining, and in a long story the words of the question (its last sentences)
weigh more than the story's.
"""

from __future__ import annotations

from bot import locales
from bot.understand import patterns
from bot.understand.questions import tail_sentences

TOPIC_INTENTS = {
    "ask_asylum": "asylum",
    "ask_documents": "documents",
    "ask_work_permit": "work_permit",
    "ask_health": "health",
    "ask_education": "education",
    "ask_shelter": "shelter",
    "ask_legal_aid": "legal_aid",
    "ask_special_protection": "special_protection",
    "ask_returnees": "returnees_idp",
}
"""Trained intents that name a topic; the country comes from the message or the conversation."""

REGIONAL_TO_TOPIC = {
    "right_to_asylum": "asylum",
    "non_refoulement": "asylum",
    "free_of_charge": "asylum",
    "turned_away": "asylum",
    "mirps": "asylum",
}
"""After a regional answer, the country topic to offer once the country is known."""


BACKGROUND = {"asylum": 0.4, "documents": 0.6, "returnees_idp": 0.6, "special_protection": 0.8}
"""Topics that usually say who the person is rather than what they ask, with the share of their
weight they keep when a topic of a higher tier is named too: "doctor para refugiados", "trabajo
para deportados", "escuela sin papeles", "albergue para mujeres" ask about health, work, school
and shelter (a group's protection yields to the service asked for). Asylum frames almost
every question, so it yields even to documents ("qué papeles me dan si pido refugio")."""

YIELD = 0.9
"""A background topic keeps at most this share of the weight of the topic it yields to."""

SITUATION = 0.6
"""Background topics at or below this share mostly describe the person's situation ("sin papeles",
"ya pedí asilo", "me deportaron"): they never rule a question entry out."""


def _background(result: dict[str, float]) -> dict[str, float]:
    """Each background topic yields to any named topic of a higher tier: its weight is
    discounted, and never reaches the weight of a higher topic ("soy solicitante de refugio y la
    ONPAR admitió mi caso... necesito un permiso para seguir trabajando" asks about work)."""
    tier = {topic: BACKGROUND.get(topic, 1.0) for topic in result}
    yielded = {}
    for topic, weight in result.items():
        above = [w for t, w in result.items() if tier[t] > tier[topic]]
        yielded[topic] = min(weight * tier[topic], YIELD * max(above)) if above else weight
    return yielded


def asked(found: dict[str, float]) -> set[str]:
    """The topics a message asks about: those of the highest tier it names."""
    if not found:
        return set()
    top = max(BACKGROUND.get(topic, 1.0) for topic in found)
    return {topic for topic in found if BACKGROUND.get(topic, 1.0) == top}


def _weights(lists: dict[str, list[str]], folded: str) -> dict[str, float]:
    """Topic → words matched in ``folded`` (each match counts its length in words)."""
    found = {
        topic: sum(len(m.group().split()) for m in patterns.find(entries, folded))
        for topic, entries in lists.items()
        if entries
    }
    return {topic: float(weight) for topic, weight in found.items() if weight}


def scores(text: str) -> dict[str, float]:
    """Topic → weight: each matched word counts its length in words; the tail (where the
    question usually is) counts again; within each part, background topics (:data:`BACKGROUND`)
    yield to the topic asked about, so "está en un albergue ... ¿a dónde va para pedir refugio?"
    is about asylum."""
    lists = locales.words("topics")
    whole = patterns.normalise(text)
    tail = patterns.normalise(tail_sentences(text))
    result = _background(_weights(lists, whole))
    if tail != whole:
        for topic, weight in _background(_weights(lists, tail)).items():
            result[topic] = result.get(topic, 0.0) + weight
    return result


def best(text: str) -> str | None:
    found = scores(text)
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None  # a tie: let the classifier decide
    return ranked[0][0]
