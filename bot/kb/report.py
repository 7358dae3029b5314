"""The editors' report: what is covered, what is stale, which places lack contacts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.kb import COUNTRIES, LANGUAGES, REGIONAL_TOPICS, TOPICS
from bot.kb.loader import KnowledgeBase


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


@dataclass
class Report:
    entries: int = 0
    missing: list[list[str]] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)
    offices: int = 0
    offices_exact: int = 0
    offices_without_contact: list[str] = field(default_factory=list)
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "entries": self.entries,
            "missing": self.missing,
            "stale": self.stale,
            "offices": self.offices,
            "offices_exact": self.offices_exact,
            "offices_without_contact": self.offices_without_contact,
        }


def build(kb: KnowledgeBase, stale_months: int = 6, today: dt.date | None = None) -> Report:
    """Coverage of every country × topic × language, plus review age and contact gaps."""
    today = today or dt.date.today()
    report = Report()
    for country in (*COUNTRIES, "regional"):
        topics = REGIONAL_TOPICS if country == "regional" else TOPICS
        report.coverage[country] = {}
        for topic in topics:
            entry = kb.entry(country, topic)
            present = [lang for lang in LANGUAGES if entry and getattr(entry.summary, lang)]
            for lang in LANGUAGES:
                if lang not in present:
                    report.missing.append([country, topic, lang])
            report.coverage[country][topic] = "+".join(present) or "-"
            if entry is None:
                continue
            report.entries += 1
            age = _months_between(entry.last_reviewed, today)
            if age > stale_months:
                report.stale.append(
                    {
                        "country": country,
                        "topic": topic,
                        "last_reviewed": entry.last_reviewed.isoformat(),
                        "months": age,
                    }
                )
    report.offices = len(kb.places)
    report.offices_exact = sum(p.place.precision == "exact" for p in kb.places)
    report.offices_without_contact = [
        p.place.id for p in kb.places if not (p.place.phone or p.place.address or p.place.website)
    ]
    return report


def render_text(report: Report, stale_months: int) -> str:
    """A table an editor reads in a terminal."""
    topics = list(TOPICS)
    short = {t: t[:6] for t in topics}
    lines = ["Coverage (es+en = both languages, - = missing)", ""]
    lines.append(f"{'country':<12} " + " ".join(f"{short[t]:<6}" for t in topics))
    for country in COUNTRIES:
        cells = report.coverage.get(country, {})
        lines.append(
            f"{country:<12} "
            + " ".join(f"{('ok' if cells.get(t) == 'es+en' else cells.get(t, '-')):<6}" for t in topics)
        )
    regional = report.coverage.get("regional", {})
    lines.append(f"{'regional':<12} " + ", ".join(f"{t}={v}" for t, v in regional.items()))
    lines += ["", f"Entries: {report.entries}   missing (country/topic/language): {len(report.missing)}"]
    for country, topic, lang in report.missing:
        lines.append(f"  missing: {country} {topic} {lang}")
    lines.append(f"Past review date (older than {stale_months} months): {len(report.stale)}")
    for item in report.stale:
        lines.append(f"  stale: {item['country']} {item['topic']} last reviewed {item['last_reviewed']}")
    lines.append(
        f"Places: {report.offices} ({report.offices_exact} with exact coordinates, "
        f"{len(report.offices_without_contact)} without any contact detail)"
    )
    for pid in report.offices_without_contact:
        lines.append(f"  no contact: {pid}")
    return "\n".join(lines)
