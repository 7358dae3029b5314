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

All measuring is on the text as sent: GSM-7-folded when ``gsm7`` (see ``bot/sms.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import sms
from bot.text import fold

NEXT_PAGE = {"es": "1 sigue", "en": "1 more"}
"""Ends every page but the last; "1" because a bare number is what people type on SMS."""

CONTINUE = frozenset({"1", "sigue", "1 sigue", "seguir", "siguiente", "mas", "more", "1 more", "next", "continuar"})
"""Whole messages (after ``fold``) that ask for the next page, right after a paged reply."""

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
        language = ruta.get("lang") if ruta.get("lang") in NEXT_PAGE else None
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


def language_of(parts: Iterable[Part], default: str = "es") -> str:
    """The reply's language, from the first part that says it."""
    return next((p.language for p in parts if p.language), default)


def is_continue(text: str) -> bool:
    """True when the whole message asks for the next page ("1", "sigue", "more", "más")."""
    return len(text) < 20 and fold(text) in CONTINUE


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


def paginate(parts: Sequence[Part], max_segments: int, gsm7: bool = True, language: str = "es") -> list[str]:
    """The reply split into pages of at most ``max_segments`` each, at sentence boundaries.

    The body (and any text before it) flows over the pages sentence by sentence; what follows the
    last answer (its tail, then the menus) stays whole on the last page, in the richest form that
    still fits that page, as in a single reply. Every page but the last ends with
    "1 sigue (1/3)" ("1 more" in English).
    """
    render = _Renderer(gsm7)
    hint = render(NEXT_PAGE.get(language, NEXT_PAGE["es"]))
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


# Measuring the knowledge base: `kb validate` warnings, `kb report` segments, the whole-answer test ----


@dataclass(frozen=True)
class Measure:
    """How one entry's answer arrives on SMS, in one language."""

    country: str
    entry: str
    language: str
    file: str
    line: int
    segments: int
    pages: int
    whole: bool
    """The body arrived in the first SMS, whole, with a source name and year."""
    overflow: int = 0
    """Characters beyond the budget in the shortest single-message form (0 when it fits)."""


def answer_reply(answer: Any, topic: str, with_more: bool = False) -> list[Part]:
    """The parts of the reply Ruta sends after an answer: the answer, then its menu."""
    from bot import menus

    has_more = bool(answer.more) and not with_more
    menu = menus.message(menus.after_answer_menu(topic, has_more), answer.language)
    return [Part.from_message(answer.message(with_more)), Part.from_message(menu)]


def _shortest(parts: Sequence[Part], gsm7: bool) -> str:
    render = _Renderer(gsm7)
    return render.join(p.forms[-1] for p in parts)


def _capacity(max_segments: int) -> int:
    return sms.GSM7_SINGLE if max_segments == 1 else sms.GSM7_PART * max_segments


def measure(
    kb: Any,
    max_segments: int = 3,
    gsm7: bool = True,
    today: dt.date | None = None,
    dated_years: int = 2,
) -> list[Measure]:
    """Every answer of ``kb`` (topic and question entries), both languages, fitted as SMS."""
    from bot.kb import LANGUAGES, yaml_lines
    from bot.kb.answer import entries, from_entry

    raws: dict[str, Any] = {}
    out = []
    for country, topic, key, loc, entry in entries(kb):
        path = Path(kb.root) / f"{country}.yml"
        if country not in raws:
            try:
                raws[country] = yaml_lines.read(path)
            except Exception:  # noqa: BLE001 - only line numbers are lost
                raws[country] = None
        for language in LANGUAGES:
            answer = from_entry(kb, entry, topic, country, language, today=today, dated_years=dated_years)
            parts = answer_reply(answer, topic)
            fitted = fit(parts, max_segments, gsm7, language=language)
            first = fitted.messages[0] if fitted.messages else ""
            body = sms.to_gsm7(answer.summary) if gsm7 else answer.summary
            source = sms.to_gsm7(answer.newest_source) if gsm7 else answer.newest_source
            whole = not fitted.paged and body in first and source in first
            over = len(_shortest(parts, gsm7)) - _capacity(max_segments) if fitted.paged else 0
            out.append(
                Measure(
                    country,
                    key,
                    language,
                    _rel(path, Path(kb.root)),
                    yaml_lines.line_of(raws[country], (*loc, "summary", language)) if raws[country] else 1,
                    fitted.segments,
                    1 + len(fitted.pages),
                    whole,
                    max(over, 1) if fitted.paged else 0,
                )
            )
    return out


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def warnings(measures: Iterable[Measure], max_segments: int) -> list[str]:
    """``file:line`` warnings for editors: summaries that cannot arrive in one SMS."""
    names = {"es": "Spanish", "en": "English"}
    return [
        f"{m.file}:{m.line} {m.entry.replace(':', ' ')} ({names.get(m.language, m.language)}): the summary "
        f'with its shortest source line and "0 Menú" does not fit {max_segments} SMS segment(s) '
        f"(RUTA_SMS_SEGMENTS); it will arrive in {m.pages} pages. Shorten it by about {m.overflow} characters."
        for m in measures
        if not m.whole
    ]


def summary(measures: Sequence[Measure]) -> dict[str, Any]:
    """Whole count, median and largest segments per reply: what the NGO pays per answer."""
    counts = [m.segments for m in measures]
    return {
        "answers": len(counts),
        "whole": sum(m.whole for m in measures),
        "median_segments": statistics.median(counts) if counts else 0,
        "max_segments": max(counts, default=0),
    }


def as_json(measures: Sequence[Measure], max_segments: int) -> dict[str, Any]:
    """For ``kb report --json``: the totals and every answer's segments."""
    return {
        "budget": max_segments,
        **summary(measures),
        "entries": [
            {"country": m.country, "entry": m.entry, "language": m.language, "segments": m.segments, "pages": m.pages}
            for m in measures
        ],
    }


def render_text(measures: Sequence[Measure], max_segments: int) -> str:
    """For ``kb report``: segments of the SMS reply to each answer, Spanish/English."""
    cells: dict[tuple[str, str], dict[str, Measure]] = {}
    for m in measures:
        cells.setdefault((m.country, m.entry), {})[m.language] = m

    def cell(by_lang: dict[str, Measure]) -> str:
        return "/".join(f"{m.segments}{'' if m.whole else '*'}" for m in by_lang.values())

    topics = list(dict.fromkeys(e for (_, e) in cells if e.startswith("topic:")))
    width = max([6, *(len(cell(v)) for v in cells.values())])
    lines = [
        f"SMS segments per answer (es/en; budget {max_segments}, RUTA_SMS_SEGMENTS; * = does not fit, sent in pages)",
        "",
        f"{'country':<12} " + " ".join(f"{t.removeprefix('topic:')[:width]:<{width}}" for t in topics),
    ]
    for country in dict.fromkeys(c for (c, _) in cells):
        row = [cell(cells[(country, t)]) if (country, t) in cells else "-" for t in topics]
        lines.append(f"{country:<12} " + " ".join(f"{c:<{width}}" for c in row))
    for (country, key), by_lang in cells.items():
        if not key.startswith("topic:"):
            lines.append(f"  {country} {key}: {cell(by_lang)}")
    totals = summary(measures)
    lines.append(
        f"Whole in one SMS: {totals['whole']} of {totals['answers']}; segments per reply: "
        f"median {totals['median_segments']}, largest {totals['max_segments']}"
    )
    return "\n".join(lines)
