"""How every answer of the knowledge base arrives on SMS: for editors, not for people.

``kb validate`` warns (``file:line``) about a summary that cannot arrive in one SMS of the
budget (``RUTA_SMS_SEGMENTS``), and ``kb report`` shows the segments each answer costs, which is
what the NGO pays. Each answer is fitted exactly as the Twilio channel fits it
(``bot.sms_fit.fit`` over the answer and the menu that follows it); nothing is refused here.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import sms, sms_fit


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


def answer_reply(answer: Any, topic: str, with_more: bool = False) -> list[sms_fit.Part]:
    """The parts of the reply Ruta sends after an answer: the answer, then its menu."""
    from bot import menus

    has_more = bool(answer.more) and not with_more
    menu = menus.message(menus.after_answer_menu(topic, has_more), answer.language)
    return [sms_fit.Part.from_message(answer.message(with_more)), sms_fit.Part.from_message(menu)]


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
            fitted = sms_fit.fit(parts, max_segments, gsm7, language=language)
            first = fitted.messages[0] if fitted.messages else ""
            body = sms.to_gsm7(answer.summary) if gsm7 else answer.summary
            source = sms.to_gsm7(answer.newest_source) if gsm7 else answer.newest_source
            whole = not fitted.paged and body in first and source in first
            over = len(sms_fit.shortest(parts, gsm7)) - _capacity(max_segments) if fitted.paged else 0
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
