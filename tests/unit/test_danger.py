"""Danger, recall first: the word lists and the classifier on the project's own examples."""

from __future__ import annotations

import pytest

from bot.understand import danger, examples, patterns
from bot.understand.danger_model import DangerClassifier, classifier, question_negatives
from bot.world import KnowledgeBase


def _words(text: str) -> danger.Danger | None:
    return danger.by_words(patterns.normalise(text))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("trae pistola y dice que me va a buscar", "weapon"),
        ("if I don't pay they'll hurt my kids", "threat"),
        ("mi cuñado le pega a mi hermana y ella no puede salir de la casa", "violence"),
        ("el patrón guarda mi pasaporte y no me paga", "trafficking"),
        ("me SECUESTRARON", "kidnapping"),
        ("my wife is bleeding and can't breathe", "medical"),
        ("ya no aguanto mas, me quiero morir", "suicide"),
        ("my friend just got stabbed outside a bar", "weapon"),
        ("lo apuñalaron en la terminal", "weapon"),
        ("un tipo me tocó el cuerpo en el bus", "sexual_violence"),
    ],
)
def test_each_kind_of_danger_is_named(text: str, kind: str) -> None:
    found = _words(text)
    assert found is not None and found.kind == kind, (text, found)


def test_words_inside_other_words_do_not_count() -> None:
    assert _words("i want grapes") is None
    assert _words("gunther") is None
    assert _words("como pido asilo en mexico") is None
    assert _words("ya me tocó renovar el carnet provisional") is None  # "tocó": had to


def test_every_emergency_example_is_caught_by_words_or_classifier(kb: KnowledgeBase) -> None:
    model = classifier(kb)  # as served: the knowledge base's question phrasings are negatives too
    missed = [t for i, t in examples.load() if i == "emergency" and not (_words(t) or model.is_danger(t))]
    assert not missed, missed


def test_ordinary_questions_teach_the_classifier_what_is_not_danger(kb: KnowledgeBase) -> None:
    """Follow-ups and "what if" questions look like conditional threats to the examples alone."""
    negatives = question_negatives(kb)
    assert len(negatives) > 1000
    assert not any(danger.by_words(patterns.normalise(t)) for _, t in negatives)
    served = classifier(kb)
    follow_ups = ["and mexico?", "y si me voy para guatemala?", "and if i go to mexico"]
    assert sum(served.is_danger(t) for t in follow_ups) < sum(classifier().is_danger(t) for t in follow_ups)
    assert served.is_danger("si no le pago a la mara me matan")


def test_classifier_recall_on_held_out_examples() -> None:
    """Trained on two thirds of the examples, the classifier (alone) finds most held-out danger."""
    pairs = examples.load()
    train = tuple(p for i, p in enumerate(pairs) if i % 3)
    held = [p for i, p in enumerate(pairs) if not i % 3]
    model = DangerClassifier(train)
    positives = [t for intent, t in held if intent == "emergency"]
    negatives = [t for intent, t in held if intent != "emergency"]
    recall = sum(model.is_danger(t) for t in positives) / len(positives)
    false_alarms = sum(model.is_danger(t) for t in negatives) / len(negatives)
    print(f"danger classifier held-out recall {recall:.2f}, false alarms {false_alarms:.2f}")
    assert recall >= 0.6 and false_alarms <= 0.1
