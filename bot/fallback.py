"""The reply when Ruta cannot answer: try again, and the emergency numbers from the content.

Every channel (Twilio, REST, the staff shell) sends it when the assistant fails, says nothing
or is too slow. It runs in the Rasa process, where the knowledge base is not loaded (the action
server holds it, and the action server may be exactly what is down), so this module reads only
the country files, each validated whole by its pydantic model, and keeps the last good number of
every country: a broken or deleted file never removes a number that was shown before, and no
number is ever written here by hand.

The numbers are grouped, most common first, in menu order: with six countries on 911 and one on
110 the shipped content gives "llama al 911 (110 en Guatemala)". A new country file is read on the
next check, its number added.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot import locales
from bot.kb.loader import country_paths
from bot.kb.models import CountryFile

logger = logging.getLogger(__name__)

CHECK_EVERY = 5.0
"""Seconds between looks at the country files' modification times (a few stat calls)."""

LANGUAGES = ("es", "en")
"""The fallback is sent before Ruta knows the person's language: Spanish, then English (two
languages fit one SMS with the numbers; more would not). Its sentences are ``fallback`` in the
locales."""


@dataclass(frozen=True)
class Number:
    """One country's emergency number, its name in both languages and its place in the menu."""

    country: str
    number: str
    name_es: str
    name_en: str
    order: int = 0

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en


def _numbers_phrase(numbers: list[Number], language: str) -> str:
    """ "911 (110 en Guatemala)": the number most countries share, then the others by country."""
    counts = Counter(n.number for n in numbers)
    common = max(counts, key=lambda number: (counts[number], -_first_index(numbers, number)))
    others = [n for n in numbers if n.number != common]
    if not others:
        return common
    exceptions = ", ".join(
        locales.text("fallback", "exception", language, number=n.number, country=n.name(language)) for n in others
    )
    return f"{common} ({exceptions})"


def _first_index(numbers: list[Number], number: str) -> int:
    return next(i for i, n in enumerate(numbers) if n.number == number)


def render(numbers: list[Number]) -> str:
    """The bilingual fallback text (Spanish first) for these numbers, in menu order."""
    parts = []
    for language in LANGUAGES:
        if numbers:
            danger = locales.text("fallback", "danger", language, numbers=_numbers_phrase(numbers, language))
        else:
            danger = locales.text("fallback", "danger_unknown", language)
        parts.append(f"{locales.text('fallback', 'try_again', language)} {danger}")
    return "\n".join(parts)


def read_number(path: Path) -> Number | None:
    """The emergency number of one country file, or None when the file is missing, invalid or has none."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        parsed = CountryFile.parse_obj(raw)
    except (OSError, yaml.YAMLError, ValidationError, TypeError, ValueError):
        return None
    if parsed.country != path.stem or parsed.emergency is None:
        return None
    return Number(path.stem, parsed.emergency.number, parsed.name.es, parsed.name.en, parsed.menu_order or 0)


class Fallback:
    """The fallback text for a knowledge-base folder, kept up to date with its last good numbers."""

    def __init__(self, root: Path, check_every: float = CHECK_EVERY) -> None:
        self.root = Path(root)
        self.check_every = check_every
        self._numbers: dict[str, Number] = {}
        self._stamps: dict[str, tuple[int, int] | None] = {}
        self._text = render([])
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self.refresh()

    def text(self) -> str:
        """The current text; re-reads changed country files at most every ``check_every`` seconds."""
        if time.monotonic() - self._checked >= self.check_every:
            self.refresh()
        return self._text

    def refresh(self) -> None:
        """Re-read the country files whose size or modification time changed (and notice new ones)."""
        with self._lock:
            self._checked = time.monotonic()
            changed = False
            countries = sorted({*self._stamps, *(path.stem for path in country_paths(self.root))})
            for country in countries:
                path = self.root / f"{country}.yml"
                try:
                    st = path.stat()
                    stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
                except OSError:
                    stamp = None
                if country in self._stamps and self._stamps[country] == stamp:
                    continue
                self._stamps[country] = stamp
                number = read_number(path) if stamp is not None else None
                if number is None:
                    if country in self._numbers:
                        logger.warning(
                            "fallback: %s is missing or invalid; the fallback keeps its last good emergency number.",
                            path.name,
                        )
                    continue
                if self._numbers.get(country) != number:
                    self._numbers[country] = number
                    changed = True
            if changed or not self._numbers:
                self._text = render(sorted(self._numbers.values(), key=lambda n: (n.order, n.country)))


_SHARED: dict[Path, Fallback] = {}
_SHARED_LOCK = threading.Lock()


def shared(root: Path) -> Fallback:
    """One ``Fallback`` per knowledge-base folder for the whole process (all channels share it)."""
    key = Path(root).resolve()
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Fallback(key)
        return _SHARED[key]
