"""Match a message to a question entry of the knowledge base, at action time.

Editors write several phrasings per question and language; a new question is live as soon as the
knowledge base reloads, with no retraining. Matching is TF-IDF over character n-grams
(scikit-learn), which forgives typos, missing accents and mixed languages; the score of a question
is its best phrasing. A long message is matched whole and by its last sentences, where people put
the question after the story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.understand import patterns
from bot.understand.content_cache import ByContent

REGIONAL = "regional"
GENERAL = "general"
"""Pseudo-country of the general ways of asking about a topic (the trained topic intents'
examples): when one of them is the closest phrasing, the message asks the topic itself."""
GENERAL_MAX_WORDS = 10
"""Longer training examples often carry a specific question inside a story; only short ones compete."""
CHILD_SHARE = 0.7
NOT_ABOUT_CHILDREN = 0.2
"""A question that nearly all its phrasings (:data:`CHILD_SHARE`) ask about a child loses this
much for a message that names no child, so a shared place or verb does not pull it in."""
LAST_MIN_WORDS = 4
"""The closing question of a long message is also matched alone when it has this many words:
"...told me there is a new office. Where do I go to apply?" asks where to apply."""
REGIONAL_LEAD = 0.1
"""With no country known, a question the regional file answers wins over one this much more
similar that only a country answers: it is answered now instead of after "which country?"."""


@dataclass(frozen=True)
class QuestionMatch:
    country: str  # a country id, or "regional"
    question: str  # the question id
    topic: str
    score: float  # cosine similarity, 0..1


def plain_words() -> frozenset[str]:
    """Words that say nothing specific: stop words, greetings and thanks of every language."""
    from bot import locales

    return frozenset(w for key in ("stopwords", "greetings", "thanks") for w in locales.words(key))


def tail_sentences(text: str, keep: int = 2, alone: bool = False) -> str:
    """The last sentences of a message (or its last 20 words when nothing marks sentences).

    A closing question with words of its own is the tail by itself ("...me quieren despedir.
    ¿Cómo lo renuevo?"); one made only of plain words ("¿Qué le puedo decir?") takes the
    sentence before it, where the question really is."""
    marks = r"(?<=[.?!\n])\s*|\s*(?=¿)|\s+(?:pero|but|entonces|so|mi pregunta es|my question is)\s+"
    parts = [p for p in re.split(marks, text) if p and re.search(r"\w", p)]  # a lone "¿" is not a sentence
    if len(parts) > 1:
        last = parts[-1]
        if alone:
            return last
        if last.lstrip().startswith("¿") or last.rstrip().endswith("?"):
            plain = plain_words()
            if any(w not in plain for w in patterns.normalise(last).split()):
                return last
        return " ".join(parts[-keep:])
    words = text.split()
    return " ".join(words[-20:])


class QuestionIndex:
    """All phrasings of all question entries of one knowledge base."""

    def __init__(self, kb: Any, general: tuple[tuple[str, str], ...] = ()):
        """``general``: (topic, example) pairs, the general ways of asking about each topic."""
        self.rows: list[tuple[str, str, str]] = []  # (country, question id, topic)
        texts: list[str] = []
        for cid, file in kb.countries.items():
            for question in file.questions:
                for phrasing in (p for texts in question.ask.languages().values() for p in texts):
                    self.rows.append((cid, question.id, question.topic))
                    texts.append(patterns.normalise(phrasing))
        for topic, example in sorted(general):
            if len(example.split()) <= GENERAL_MAX_WORDS:
                self.rows.append((GENERAL, f"topic:{topic}", topic))
                texts.append(patterns.normalise(example))
        self._aliases = set(kb.country_aliases())
        self.regional_ids = {qid for cid, qid, _ in self.rows if cid == REGIONAL}
        self.about_children = _about_children(self.rows, texts)
        self.groups = [row for i, row in enumerate(self.rows) if i == 0 or row != self.rows[i - 1]]
        self.starts = np.array([i for i, row in enumerate(self.rows) if i == 0 or row != self.rows[i - 1]], dtype=int)
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
        self.matrix = self.vectorizer.fit_transform(texts) if texts else None
        self.matrix_t = self.matrix.T.tocsr() if self.matrix is not None else None  # once, not per message

    def scores(self, text: str) -> dict[tuple[str, str], tuple[float, str]]:
        """(country, question id) → (best score, topic) for one message."""
        if self.matrix is None:
            return {}
        queries = [patterns.normalise(text)]
        tail = patterns.normalise(tail_sentences(text))
        if tail and tail != queries[0]:
            queries.append(tail)
        closing = tail_sentences(text, keep=1, alone=True)
        last = patterns.normalise(closing)
        if "?" in closing and len(last.split()) >= LAST_MIN_WORDS and last not in queries:
            queries.append(last)
        similarity = (self.vectorizer.transform(queries) @ self.matrix_t).toarray().max(axis=0)
        per_question = np.maximum.reduceat(similarity, self.starts)  # rows of a question are contiguous
        return {
            (cid, qid): (float(score), topic)
            for (cid, qid, topic), score in zip(self.groups, per_question, strict=True)
        }

    def specific_words(self, text: str) -> list[str]:
        """Words of the message that say more than "a topic, a place": a question needs them.

        "asilo", "como pido asilo en mexico" have none (the topic's own answer is right);
        "es gratis pedir asilo" has "gratis". Stop words, topic words, greetings and places are
        read from the locale lists; a place is any country alias or gazetteer town.
        """
        plain, topics_named = self._plain_words(text)
        words = [w for w in patterns.normalise(text).split() if w not in plain]
        # two topics together ("pasaporte" and "asilo") are a question about how they meet
        return words or (sorted(topics_named) if len(topics_named) > 1 else [])

    def _plain_words(self, text: str) -> tuple[set[str], set[str]]:
        from bot import locales

        folded = patterns.normalise(text)
        plain = set(plain_words())
        topics_named: set[str] = set()
        for topic, entries in locales.words("topics").items():
            pattern = patterns.matcher(entries)
            if pattern is None:
                continue
            for start in (m.start() for m in re.finditer(r"\S+", folded)):  # overlapping phrases count
                match = pattern.match(folded, start)
                if match:
                    plain.update(match.group().split())
                    topics_named.add(topic)
        plain.update(w for alias in self._aliases for w in alias.split() if alias in folded)
        return plain, topics_named

    def match(self, text: str, country: str | None, child: bool | None = None) -> list[QuestionMatch]:
        """Question ids best first, each scored by its best phrasing in ANY file.

        Countries share question ids ("wait_time", "appeal"), so every file's phrasings teach how
        a question is asked; which file answers it is decided afterwards (the country's own entry,
        else the regional one). ``country`` only breaks ties in favour of the person's country.
        General ways of asking about a topic (the trained intents' short examples) compete under
        the pseudo-country :data:`GENERAL`: "qué documentos dan a los refugiados" is closest to
        one of them, so no question entry answers it and the topic's own answer does.
        """
        best: dict[str, QuestionMatch] = {}
        if child is None:  # whether the message names a child (signals.read passes what it read)
            from bot.understand import who

            child = who.read(patterns.normalise(text)).child
        for (cid, qid), (score, topic) in self.scores(text).items():
            if qid in self.about_children and not child:
                score -= NOT_ABOUT_CHILDREN  # "me regresaron en tecun uman" is not "a mi hijo lo regresaron solo"
            bonus = 0.01 if cid in (country, REGIONAL) else 0.0
            if country is None and qid in self.regional_ids:
                bonus = REGIONAL_LEAD  # the region's file answers it now, whichever file asks it best
            current = best.get(qid)
            if current is None or score + bonus > current.score:
                best[qid] = QuestionMatch(cid, qid, topic, score + bonus)
        return sorted(best.values(), key=lambda m: -m.score)


def _about_children(rows: list[tuple[str, str, str]], texts: list[str]) -> frozenset[str]:
    """Question ids whose phrasings nearly all speak of a child (a child word or an age under
    18): a message that names no child is unlikely to ask them, however its other words match."""
    from bot.understand import who

    counts: dict[str, list[int]] = {}
    for (cid, qid, _), text in zip(rows, texts, strict=True):
        if cid != GENERAL:
            seen = counts.setdefault(qid, [0, 0])
            seen[0] += who.read(text).child
            seen[1] += 1
    return frozenset(qid for qid, (with_child, total) in counts.items() if with_child >= CHILD_SHARE * total)


def _build_index(kb: Any) -> QuestionIndex:
    from bot.understand import examples
    from bot.understand.topics import TOPIC_INTENTS

    general = tuple((TOPIC_INTENTS[i], t) for i, t in examples.load() if i in TOPIC_INTENTS)
    return QuestionIndex(kb, general)


index_for = ByContent(_build_index)
"""The index of one loaded knowledge base; an edit that changes no phrasing or alias (a summary,
a place) reuses the last one, so the edit is live at once."""
