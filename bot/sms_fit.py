"""Fit a bot reply into SMS from its parts: the answer whole first, then what can be asked again.

Why parts and not flat text: cutting a joined text to the segment budget spent it on the
"may be dated" line, the source list and the menu, and cut the answer mid-sentence (13 of 126
topic answers arrived whole). A reply message may carry a ``ruta`` payload (the contract,
built by ``Answer.parts`` and ``menus.message``)::

    {"text": "<whole text>", "ruta": {"kind": "answer", "lang": "es", "body": "<summary>",
                                      "tails": ["<caveat + sources>", ..., "Fuente: REDLAC 2020, datos de 2016."]}}
    {"text": "<menu>", "ruta": {"kind": "menu", "lang": "es", "short": ["<one line>", "0 Menú"]}}

Everything else is plain text, kept whole. ``fit`` tries, in order: everything as on REST; the
menus shorter, step by step; the answer's tail shorter, step by step (the last keeps the newest
source's name and year and the year of the oldest data). The first that fits the budget is sent.
If even the shortest does not fit, the reply is split at sentence boundaries into pages ending in
"1 sigue" / "1 more"; the person asks for each next page (``bot/sms_pages.py`` keeps them).
A first-contact notice goes inside the reply only where it fits, else in its own message:
it never pushes the answer out.

All measuring is on the text as sent: GSM-7-folded when ``gsm7`` (see ``bot/sms.py``). The
page hint ("1 sigue") is each locale's ``channel.next_page`` and the words that ask for the next
page its ``words.continue_requests``. How every answer of the knowledge base fares is measured
by ``bot/sms_report.py`` (``kb validate`` warnings, ``kb report``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bot import locales, sms
from bot.text import fold

_PAGE_MARK = " (99/99)"
"""Room kept on each page for its "(2/3)" counter, whatever the number of pages."""

_BLANK_LINES = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[¿¡\"'(A-ZÁÉÍÓÚÑÜ0-9])")
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:[A-Za-zÁÉÍÓÚÑÜáéíóúñü]{1,2}|art|arts|núm|num|pág|pag|etc|sra|srta)\.$", re.I)
"""A period after these ("EE. UU.", "art. 18") does not end a sentence."""


@dataclass(frozen=True)
class Part:
    """One bot message as the SMS fitting sees it.

    ``forms`` are its renderings, richest first: ``forms[0]`` is the whole text. An answer's
    forms are ``body`` followed by each of its ``tails``; a menu's are its text then its shorter
    forms; plain text has one form.
    """

    kind: str
    forms: tuple[str, ...]
    body: str = ""
    tails: tuple[str, ...] = ()
    language: str | None = None

    @classmethod
    def text(cls, text: str, kind: str = "text") -> Part:
        return cls(kind, (text,))

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Part:
        """A reply message (``{"text": ..., "ruta": {...}}``); an unknown or broken payload is
        ignored and the message is plain text, so nothing a person should read is lost."""
        text = str(message.get("text") or "")
        ruta = message.get("ruta")
        if not isinstance(ruta, dict):
            return cls.text(text)
        language = ruta.get("lang") if ruta.get("lang") in locales.languages() else None
        if ruta.get("kind") == "answer" and _strings(ruta.get("tails")) and isinstance(ruta.get("body"), str):
            body, tails = ruta["body"], tuple(ruta["tails"])
            return cls("answer", tuple(f"{body}\n{t}" for t in tails), body, tails, language)
        if ruta.get("kind") == "menu" and _strings(ruta.get("short"), allow_empty=True):
            return cls("menu", (text, *ruta["short"]), language=language)
        return cls.text(text)


def _strings(value: Any, allow_empty: bool = False) -> bool:
    return isinstance(value, list) and (allow_empty or bool(value)) and all(isinstance(v, str) for v in value)


@dataclass
class Fitted:
    """What to send now (one TwiML message each) and the pages kept for "1 sigue"."""

    messages: list[str]
    pages: list[str] = field(default_factory=list)

    @property
    def segments(self) -> int:
        """What this reply costs now (later pages are paid when asked for)."""
        return sum(sms.segments(m) for m in self.messages)

    @property
    def paged(self) -> bool:
        return bool(self.pages)


def language_of(parts: Iterable[Part], default: str = locales.DEFAULT) -> str:
    """The reply's language, from the first part that says it."""
    return next((p.language for p in parts if p.language), default)


def next_page_hint(language: str) -> str:
    """Ends every page but the last ("1 sigue"); "1" because a bare number is what people type on SMS."""
    return locales.text("channel", "next_page", language)


def is_continue(text: str) -> bool:
    """True when the whole message asks for the next page ("1", "sigue", "more", "más")."""
    return len(text) < 20 and fold(text) in _continue_requests(locales.directory())


@cache
def _continue_requests(_folder: Path) -> frozenset[str]:
    """Every language's whole messages that ask for the next page, folded (the catalogues in ``_folder``)."""
    return frozenset(fold(word) for word in locales.words("continue_requests"))


def _ladder(parts: Sequence[Part]) -> list[tuple[int, ...]]:
    """Form indexes per part, from richest to shortest: menus shrink first, then answer tails.

    For each tail (richest first) every menu form is tried, richest first: the first level that
    fits keeps the richest tail that can fit, and beside it the richest menu that still fits.
    """
    menu_steps = max((len(p.forms) - 1 for p in parts if p.kind == "menu"), default=0)
    tail_steps = max((len(p.forms) - 1 for p in parts if p.kind == "answer"), default=0)

    def index(part: Part, menu: int, tail: int) -> int:
        step = {"menu": menu, "answer": tail}.get(part.kind, 0)
        return min(step, len(part.forms) - 1)

    levels = [tuple(index(p, m, t) for p in parts) for t in range(tail_steps + 1) for m in range(menu_steps + 1)]
    return list(dict.fromkeys(levels))


def _forms(parts: Sequence[Part], level: tuple[int, ...]) -> list[str]:
    return [p.forms[k] for p, k in zip(parts, level, strict=True)]


class _Renderer:
    """Folds (or not) and measures, caching each form's folded text."""

    def __init__(self, gsm7: bool):
        self.gsm7 = gsm7
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if text not in self._cache:
            clean = _BLANK_LINES.sub("\n", text.strip())  # a blank line costs a character and says nothing
            self._cache[text] = sms.to_gsm7(clean) if self.gsm7 else clean
        return self._cache[text]

    def join(self, texts: Iterable[str]) -> str:
        return "\n".join(t for t in (self(x) for x in texts) if t)


def fit(
    parts: Sequence[Part],
    max_segments: int = 3,
    gsm7: bool = True,
    notice: Part | None = None,
    language: str | None = None,
) -> Fitted:
    """The reply as SMS within ``max_segments``: whole, shortened where it may be, or paged.

    ``notice`` (first contact) goes first in the same message when it fits there, in a shorter
    form if need be (menus may shrink for it, never the answer); otherwise it is its own message.
    """
    if max_segments < 1:
        raise ValueError("max_segments must be 1 or more")
    parts = [p for p in parts if p.forms and p.forms[0].strip()]
    render = _Renderer(gsm7)
    levels = _ladder(parts) if parts else [()]
    text = ""
    chosen = None
    for i, level in enumerate(levels):
        text = render.join(_forms(parts, level))
        if sms.segments(text) <= max_segments:
            chosen = i
            break
    if chosen is not None:
        if notice is None:
            return Fitted([text] if text else [])
        for level in levels[chosen:]:
            rest = render.join(_forms(parts, level))
            for form in notice.forms:
                with_notice = render.join([form, rest])
                if sms.segments(with_notice) <= max_segments:
                    return Fitted([with_notice])
        return Fitted([*_alone(notice, render, max_segments), text] if text else [render(notice.forms[0])])
    pages = paginate(parts, max_segments, gsm7, language or language_of(parts))
    first = [*_alone(notice, render, max_segments)] if notice else []
    return Fitted([*first, pages[0]], pages[1:])


def _alone(notice: Part, render: _Renderer, max_segments: int) -> list[str]:
    """The notice as its own message: the whole one if it fits the budget, else the shortest."""
    whole = render(notice.forms[0])
    return [whole if sms.segments(whole) <= max_segments else render(notice.forms[-1])]


def sentences(text: str) -> list[tuple[str, str]]:
    """``text`` as (separator, sentence) units: "\\n" starts a line, " " continues one."""
    units: list[tuple[str, str]] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        pieces: list[str] = []
        for piece in _SENTENCE_END.split(line.strip()):
            if pieces and _ABBREVIATION.search(pieces[-1]):
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
        units += [("\n" if i == 0 else " ", piece) for i, piece in enumerate(pieces)]
    return units


def paginate(
    parts: Sequence[Part], max_segments: int, gsm7: bool = True, language: str = locales.DEFAULT
) -> list[str]:
    """The reply split into pages of at most ``max_segments`` each, at sentence boundaries.

    The body (and any text before it) flows over the pages sentence by sentence; what follows the
    last answer (its tail, then the menus) stays whole on the last page, in the richest form that
    still fits that page, as in a single reply. Every page but the last ends with
    "1 sigue (1/3)" ("1 more" in English).
    """
    render = _Renderer(gsm7)
    hint = render(next_page_hint(language))
    start = len(parts)
    while start > 0 and parts[start - 1].kind == "menu":
        start -= 1
    if start > 0 and parts[start - 1].kind == "answer":
        start -= 1
    flow: list[tuple[str, str]] = []
    for part in parts[:start]:
        if part.kind == "answer":
            flow += sentences(render(part.body))
            flow.append(("\n", render(part.tails[-1])))
        elif part.kind == "menu":
            flow.append(("\n", render(part.forms[-1])))
        else:
            flow += sentences(render(part.forms[0]))
    trail_parts = list(parts[start:])
    if trail_parts and trail_parts[0].kind == "answer":
        flow += sentences(render(trail_parts[0].body))
    trails = [render.join(_trail(trail_parts, level)) for level in _ladder(trail_parts)] if trail_parts else []

    def fits(page: str) -> bool:
        return sms.segments(f"{page}\n{hint}{_PAGE_MARK}") <= max_segments

    pages = _pack(flow, fits)
    for trail in dict.fromkeys(trails):  # richest first
        if pages and sms.segments(f"{pages[-1]}\n{trail}") <= max_segments:
            pages[-1] = f"{pages[-1]}\n{trail}"
            break
    else:
        alone = next((t for t in dict.fromkeys(trails) if sms.segments(t) <= max_segments), None)
        if alone is not None:
            pages.append(alone)
        elif trails:
            pages += _pack(sentences(trails[-1]), fits)
    total = len(pages)
    return [p if i == total else f"{p}\n{hint} ({i}/{total})" for i, p in enumerate(pages, 1)]


def _trail(parts: Sequence[Part], level: tuple[int, ...]) -> list[str]:
    """What follows the body at ``level``: an answer's tail (not its body), menus' forms."""
    return [p.tails[k] if p.kind == "answer" else p.forms[k] for p, k in zip(parts, level, strict=True)]


def _pack(units: Sequence[tuple[str, str]], fits: Any) -> list[str]:
    """Units into as few pages as ``fits`` allows, in order; a unit is split only if it alone is too long."""
    pages: list[str] = []
    current = ""
    for sep, unit in units:
        candidate = f"{current}{sep}{unit}" if current else unit
        if fits(candidate):
            current = candidate
            continue
        if current:
            pages.append(current)
        if fits(unit):
            current = unit
            continue
        *whole, current = _split_long(unit, fits)
        pages += whole
    if current:
        pages.append(current)
    return pages


def _split_long(unit: str, fits: Any) -> list[str]:
    """A sentence longer than one page, cut between words into pieces that each fit."""
    pieces, current = [], ""
    for word in unit.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and not fits(candidate):
            pieces.append(current)
            current = word
        else:
            current = candidate
    return [*pieces, current]


def shortest(parts: Sequence[Part], gsm7: bool = True) -> str:
    """The reply in its shortest single-message form, as sent (what ``kb report`` says is over budget)."""
    return _Renderer(gsm7).join(p.forms[-1] for p in parts)
