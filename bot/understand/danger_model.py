"""A classifier for danger the word lists miss, trained on the project's own examples.

Positive examples are the ``emergency`` intent of ``data/nlu`` (every language); negatives are all
other intents, plus the knowledge base's question phrasings ("y si me dicen que no", "and in
Mexico?"): thousands of ordinary questions written by editors, which keep the short follow-ups
and "what if" questions people send apart from conditional threats ("si no pago me matan").
Phrasings of danger topics, and any phrasing the danger word lists flag, are left out.

Character n-grams forgive typos; the class weight and a low threshold favour
recall: a false alarm adds one line with the emergency number, a miss can cost a life. It trains
in about a second, once per process, so a new example is live after a restart without Rasa's
training run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.understand import danger, examples, patterns
from bot.understand.content_cache import ByContent

DANGER_INTENT = "emergency"
QUESTION_NEGATIVE = "kb_question"
DANGER_TOPICS = frozenset({"emergency", "special_protection"})
"""Question entries of these topics (children alone, violence against women) are not negatives."""
THRESHOLD = 0.4
"""Probability above which a message counts as danger (measured in tests/unit/test_danger.py)."""


class DangerClassifier:
    def __init__(self, pairs: tuple[tuple[str, str], ...], threshold: float = THRESHOLD):
        self.threshold = threshold
        texts = [patterns.normalise(text) for _, text in pairs]
        labels = [intent == DANGER_INTENT for intent, _ in pairs]
        # characters forgive typos; words keep "me lo van a dar" apart from "me van a matar"
        self.features = (
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        )
        self.model: LogisticRegression | None = None
        if any(labels) and not all(labels):
            matrix = hstack([f.fit_transform(texts) for f in self.features]).tocsr()
            self.model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
            self.model.fit(matrix, labels)

    def probability(self, text: str) -> float:
        if self.model is None:
            return 0.0
        folded = [patterns.normalise(text)]
        row = hstack([f.transform(folded) for f in self.features]).tocsr()
        return float(self.model.predict_proba(row)[0][1])

    def is_danger(self, text: str) -> bool:
        return self.probability(text) >= self.threshold


def question_negatives(kb: Any) -> tuple[tuple[str, str], ...]:
    """The knowledge base's phrasings of questions that are not about danger, as negatives."""
    pairs = []
    for file in kb.countries.values():
        for question in file.questions:
            if question.topic in DANGER_TOPICS:
                continue
            for phrasings in question.ask.languages().values():
                pairs.extend((QUESTION_NEGATIVE, p) for p in phrasings if not danger.any_words(patterns.normalise(p)))
    return tuple(pairs)


@lru_cache(maxsize=2)
def _trained(negatives: tuple[tuple[str, str], ...]) -> DangerClassifier:
    return DangerClassifier(examples.load() + negatives)


_BY_CONTENT = ByContent(lambda kb: _trained(question_negatives(kb)))


def classifier(kb: Any = None) -> DangerClassifier:
    """The classifier for one loaded knowledge base (retrained only when editors' phrasings
    change, so an edit of an answer is live at once); without one, from ``data/nlu`` alone."""
    return _trained(()) if kb is None else _BY_CONTENT(kb)
