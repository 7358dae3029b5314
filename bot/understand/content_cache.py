"""One built matcher per knowledge base's phrasings, shared by the matchers built from them.

The danger classifier and the question index are built from the editors' question phrasings,
which takes seconds. A reload that changes no phrasing (a summary, a place, a source) must be
live at once, so each matcher is kept for the last content it was built from and reused while
that content is unchanged, whichever loaded knowledge base object carries it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def phrasing_key(kb: Any) -> tuple:
    """What the matchers are built from: every phrasing with its question, and the country aliases."""
    phrasings = tuple(
        (cid, question.id, question.topic, tuple(p for texts in question.ask.languages().values() for p in texts))
        for cid, file in kb.countries.items()
        for question in file.questions
    )
    return phrasings, tuple(sorted(kb.country_aliases()))


class ByContent(Generic[T]):
    """``build(kb)`` once per distinct content key; the same object for the same loaded ``kb``."""

    def __init__(self, build: Callable[[Any], T], key: Callable[[Any], Hashable] = phrasing_key) -> None:
        self._build, self._key = build, key
        self._lock = threading.Lock()  # the store prepares new content on its reload thread
        self._kb: Any = None
        self._content: Hashable = None
        self._value: T | None = None

    def __call__(self, kb: Any) -> T:
        with self._lock:
            if self._value is not None and self._kb is kb:
                return self._value
            content = self._key(kb)
            if self._value is None or content != self._content:
                self._value, self._content = self._build(kb), content
            self._kb = kb
            return self._value
