"""Which language is a message in? Detection with a memory of the conversation.

langdetect alone is unreliable on SMS-length text ("ok", "asilo", "1"), so it is combined with a
small lexicon of words people on the move use, and with the language already known for the
conversation: one- or two-word messages never flip a known language; an explicit request
("english", "español") always does; a longer message clearly in another language does.

Why the words live in the locales: the languages are the locale files (``bot.locales.languages``),
and each file's ``words`` hold what detection reads — ``switch_requests`` (whole messages asking
for that language), ``lexicon`` and ``lexicon_grammar`` (words that vote for it; grammar words
twice), ``language_neutral`` (words that vote for none) and ``language_marks`` (characters that
do). A third locale with these lists is detected with no code change; langdetect knows it too.
The countries' names (``El Salvador``, ``México``) say nothing about a sentence's language either:
they come from the knowledge base's country files, never from code.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot import locales
from bot.config import Settings
from bot.kb.loader import country_paths
from bot.text import fold

GRAMMAR_WEIGHT = 2
"""A grammar word ("necesito", "the") counts twice: "necesito un work permit" is Spanish."""
MARK_WEIGHT = 2
"""A character only one language writes ("¿", "ñ"), outside place names, is worth two words."""
LANGDETECT_WEIGHT = 1.5
"""langdetect's probabilities, from three words on, weigh one and a half words."""


@dataclass(frozen=True)
class Detection:
    """What one message says about its language, before memory is applied."""

    language: str | None  # None when the message gives no usable signal
    words: int
    explicit: bool = False
    strength: float = 0.0  # 0..1, how clearly the message is in ``language``


@dataclass(frozen=True)
class Lexicon:
    """Every language's detection words, read once from one folder of locales."""

    languages: tuple[str, ...]
    switch: dict[str, str]  # folded whole message → the language it asks for
    words: dict[str, frozenset[str]]
    grammar: dict[str, frozenset[str]]
    marks: dict[str, str]
    neutral: frozenset[str]


@cache
def _lexicon(_folder: Path) -> Lexicon:
    """The detection words of the locales in ``_folder`` (``bot.locales.directory()``)."""
    langs = locales.languages()
    switch: dict[str, str] = {}
    for lang in langs:
        for phrase in locales.words("switch_requests", lang):
            switch.setdefault(fold(phrase), lang)
    return Lexicon(
        languages=langs,
        switch=switch,
        words={lang: frozenset(locales.words("lexicon", lang)) for lang in langs},
        grammar={lang: frozenset(locales.words("lexicon_grammar", lang)) for lang in langs},
        marks={lang: "".join(locales.words("language_marks", lang)) for lang in langs},
        neutral=frozenset(locales.words("language_neutral")),
    )


def lexicon() -> Lexicon:
    """The detection words of the locales in use (``RUTA_LOCALES_PATH``, default ``bot/locales``)."""
    return _lexicon(locales.directory())


def lexicon_words() -> frozenset[str]:
    """Every language's lexicon together: common words, never taken for a town's name."""
    return frozenset().union(*lexicon().words.values())


def country_words() -> frozenset[str]:
    """The words of every country's name in every language, folded ("el", "salvador", "mexico")."""
    return _country_words(os.environ.get("RUTA_KB_PATH"))


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: many times faster
_BODY = re.compile(r"^(?:topics|questions|sources):", re.M)


def _header(text: str) -> str:
    """A country file up to its topics, questions or sources: the name is in the header, and
    the language detector's first message should not wait for thousands of phrasings to parse."""
    body = _BODY.search(text)
    return text[: body.start()] if body else text


@cache
def _country_words(_configured: str | None) -> frozenset[str]:
    """Read from the country files' ``name`` (``Settings`` parses the variable; cached by its value).

    Only the names are read, with no validation: a file ``kb validate`` would refuse still names
    its country, and a file that cannot be read adds nothing.
    """
    found: set[str] = set()
    for path in country_paths(Settings.from_env().kb_path):
        try:
            names = (yaml.load(_header(path.read_text(encoding="utf-8")), Loader=_LOADER) or {}).get("name") or {}
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        for name in names.values() if isinstance(names, dict) else []:
            found.update(fold(str(name)).split())
    return frozenset(found)


def _langdetect_probs(text: str, languages: tuple[str, ...]) -> dict[str, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # deterministic answers, so tests and users see the same thing
    try:
        found = detect_langs(text)
    except LangDetectException:
        return {}
    probs = {item.lang: item.prob for item in found if item.lang in languages}
    total = sum(probs.values())
    return {k: v / total for k, v in probs.items()} if total else {}


def detect(text: str) -> Detection:
    """Language signal of one message: explicit switch, lexicon votes, then langdetect."""
    lex = lexicon()
    folded = fold(text)
    words = [w for w in folded.replace("i m ", "im ").split() if any(ch.isalpha() for ch in w)]
    if folded in lex.switch:
        return Detection(lex.switch[folded], len(words), explicit=True, strength=1.0)
    if not words:
        return Detection(None, 0)
    neutral = lex.neutral | country_words()
    # accents inside place names ("panamá", "méxico") say nothing about the sentence's language
    unmarked = " ".join(w for w in text.split() if fold(w) not in neutral)
    scores: dict[str, float] = {}
    for lang in lex.languages:
        voting = [w for w in words if w in lex.words[lang] and w not in neutral]
        scores[lang] = sum(GRAMMAR_WEIGHT if w in lex.grammar[lang] else 1 for w in voting)
        scores[lang] += MARK_WEIGHT if any(ch in unmarked for ch in lex.marks[lang]) else 0
    if len(words) >= 3:
        for lang, prob in _langdetect_probs(text, lex.languages).items():
            scores[lang] += LANGDETECT_WEIGHT * prob
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    (best, top), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
    if top == runner_up:
        return Detection(None, len(words))
    return Detection(best, len(words), strength=(top - runner_up) / (top + runner_up))


def decide(text: str, previous: str | None) -> str:
    """The language to answer ``text`` in, given the conversation's ``previous`` language."""
    found = detect(text)
    if found.explicit:
        return found.language or locales.DEFAULT
    if previous not in locales.languages():
        return found.language or locales.DEFAULT
    if found.language is None or found.language == previous:
        return previous
    if found.words >= 3 and found.strength >= 0.5:
        return found.language
    return previous
