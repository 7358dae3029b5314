"""The editors' report: what is covered, what is stale, which places lack contacts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.kb import LANGUAGES, REGIONAL, REGIONAL_TOPICS, TOPICS
from bot.kb.loader import Content
from bot.kb.models import Entry, Place

CURRENT_FROM = 2023
"""An entry is *current* when its newest source was published in this year or later (issue 11)."""
OLD_UNTIL = 2020
"""Entries whose newest source is from this year or earlier are listed: nothing newer than the seeds."""
MIN_CURRENT = 5
"""A file with fewer current entries must say (``no_current_source:``) what was searched and not found."""


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
    currency: dict[str, dict] = field(default_factory=dict)
    questions: int = 0
    current: int = 0
    places_with_contact: int = 0
    no_source_after_2020: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "entries": self.entries,
            "missing": self.missing,
            "stale": self.stale,
            "offices": self.offices,
            "offices_exact": self.offices_exact,
            "offices_without_contact": self.offices_without_contact,
            "countries": self.currency,
            "questions": self.questions,
            "current": self.current,
            "places_exact": self.offices_exact,
            "places_with_contact": self.places_with_contact,
            "no_source_after_2020": self.no_source_after_2020,
        }


def build(kb: Content, stale_months: int = 6, today: dt.date | None = None) -> Report:
    """Coverage of every country × topic × language, plus review age and contact gaps."""
    today = today or dt.date.today()
    report = Report()
    for country in (*kb.country_ids, REGIONAL):
        topics = REGIONAL_TOPICS if country == REGIONAL else TOPICS
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
    _add_currency(kb, report)
    return report


def newest_source_year(kb: Content, entry: Entry) -> int:
    """How current an entry is: the publication year of the newest document it cites."""
    return max(kb.sources[ref.id].year for ref in entry.sources)


def has_contact(place: Place) -> bool:
    """A phone, a street address or a website: something a person can use to reach the place."""
    return bool(place.phone or place.address or place.website)


def _add_currency(kb: Content, report: Report) -> None:
    """Per file: topics, questions, entries citing a 2023+ source, places with a contact; and the
    entries that cite nothing newer than 2020. A file under ``MIN_CURRENT`` current entries carries
    its own ``no_current_source`` sentence (or a note that it is missing)."""
    for country in (*kb.country_ids, REGIONAL):
        file = kb.countries.get(country)
        if file is None:
            continue
        current = 0
        for cid, key, entry in kb.all_entries():
            if cid != country:
                continue
            year = newest_source_year(kb, entry)
            if year >= CURRENT_FROM:
                current += 1
            if year <= OLD_UNTIL:
                report.no_source_after_2020.append({"country": country, "entry": key, "newest_source_year": year})
        places = [p.place for p in kb.places if p.country == country]
        row: dict = {
            "topics": len(file.topics),
            "questions": len(file.questions),
            "current": current,
            "places": len(places),
            "places_with_contact": sum(has_contact(p) for p in places),
        }
        if current < MIN_CURRENT:
            row["no_current_source"] = file.no_current_source or (
                f"Fewer than {MIN_CURRENT} entries cite a source from {CURRENT_FROM} or later, and the file "
                f"does not say what was searched: add `no_current_source:` to knowledge_base/{country}.yml."
            )
        report.currency[country] = row
        report.questions += row["questions"]
        report.current += current
        report.places_with_contact += row["places_with_contact"]


def render_currency(report: Report) -> str:
    """The currency table: how many answers rest on a source from 2023 or later, per file."""
    head = f"{'file':<12} {'topics':>6} {'questions':>9} {'current':>7} {'places':>6} {'contact':>7}"
    lines = [f"Current sources (an entry is current when its newest source is from {CURRENT_FROM} or later)", ""]
    lines.append(head)
    totals = [0, 0, 0, 0, 0]
    for country, row in report.currency.items():
        cells = [row["topics"], row["questions"], row["current"], row["places"], row["places_with_contact"]]
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
        lines.append(f"{country:<12} {cells[0]:>6} {cells[1]:>9} {cells[2]:>7} {cells[3]:>6} {cells[4]:>7}")
    lines.append(f"{'total':<12} {totals[0]:>6} {totals[1]:>9} {totals[2]:>7} {totals[3]:>6} {totals[4]:>7}")
    lines.append(f"Places with exact coordinates: {report.offices_exact}")
    lines += ["", f"No source newer than {OLD_UNTIL}: {len(report.no_source_after_2020)} entries"]
    by_country: dict[str, list[str]] = {}
    for item in report.no_source_after_2020:
        by_country.setdefault(item["country"], []).append(f"{item['entry']} ({item['newest_source_year']})")
    for country, keys in by_country.items():
        lines.append(f"  {country}: {', '.join(keys)}")
    missing = {c: row["no_current_source"] for c, row in report.currency.items() if "no_current_source" in row}
    if missing:
        lines += ["", f"Fewer than {MIN_CURRENT} current entries:"]
        lines += [f"  {country}: {sentence}" for country, sentence in missing.items()]
    return "\n".join(lines)


def render_text(report: Report, stale_months: int) -> str:
    """A table an editor reads in a terminal."""
    topics = list(TOPICS)
    short = {t: t[:6] for t in topics}
    lines = ["Coverage (es+en = both languages, - = missing)", ""]
    lines.append(f"{'country':<12} " + " ".join(f"{short[t]:<6}" for t in topics))
    for country in [c for c in report.coverage if c != REGIONAL]:
        cells = report.coverage.get(country, {})
        lines.append(
            f"{country:<12} "
            + " ".join(f"{('ok' if cells.get(t) == 'es+en' else cells.get(t, '-')):<6}" for t in topics)
        )
    regional = report.coverage.get(REGIONAL, {})
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
    lines += ["", render_currency(report)]
    return "\n".join(lines)
