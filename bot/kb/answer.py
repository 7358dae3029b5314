"""Turn a knowledge-base entry into the words a person receives: text, source, date, caveat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.kb.loader import KnowledgeBase
from bot.kb.models import Entry

_LABELS = {
    "es": {
        "source": "Fuente",
        "reviewed": "Revisado",
        "dated": "Parte de esta información es de {year}: puede haber cambiado. Confírmala con la oficina o con ACNUR.",
        "cited": "Citas",
    },
    "en": {
        "source": "Source",
        "reviewed": "Reviewed",
        "dated": "Some of this information is from {year}: it may have changed. Check with the office or UNHCR.",
        "cited": "Cited",
    },
}


@dataclass(frozen=True)
class Answer:
    """One answer, ready to send; ``more`` is the optional longer part."""

    topic: str
    country: str
    language: str
    summary: str
    more: str | None
    footer: str
    dated_note: str | None
    citations: str

    def render(self, with_more: bool = False) -> str:
        """Summary (or, when asked, the longer part with exact citations), caveat, source line."""
        parts = [self.more or self.summary] if with_more else [self.summary]
        if self.dated_note:
            parts.append(self.dated_note)
        parts.append(self.footer)
        if with_more:
            parts.append(self.citations)
        return "\n".join(parts)


def _footer(kb: KnowledgeBase, entry: Entry, language: str) -> str:
    """Short enough for an SMS: the documents' short names and the review date."""
    labels = _LABELS[language]
    names = list(dict.fromkeys(kb.sources[ref.id].short for ref in entry.sources))
    return f"{labels['source']}: {'; '.join(names)}. {labels['reviewed']}: {entry.last_reviewed.isoformat()}"


def _citations(kb: KnowledgeBase, entry: Entry, language: str) -> str:
    """Exact places in the documents, for staff who check an answer against its source."""
    cited = "; ".join(f"{kb.sources[ref.id].short}: {ref.where}" for ref in entry.sources)
    return f"{_LABELS[language]['cited']}: {cited}"


def oldest_source_year(kb: KnowledgeBase, entry: Entry) -> int:
    """The oldest document behind an entry: one 2016 fact is enough to make the answer dated."""
    return min(kb.sources[ref.id].year for ref in entry.sources)


def answer(
    kb: KnowledgeBase,
    topic: str,
    country: str,
    language: str,
    today: dt.date | None = None,
    dated_years: int = 2,
) -> Answer | None:
    """The entry for ``topic`` in ``country`` in ``language``, or None when there is none.

    An answer citing any source more than ``dated_years`` old says so: most seeds are from
    2016–2020 and a person must not take them for today's rules.
    """
    entry = kb.entry(country, topic)
    if entry is None:
        return None
    lang = language if language in _LABELS else "es"
    today = today or dt.date.today()
    year = oldest_source_year(kb, entry)
    dated = _LABELS[lang]["dated"].format(year=year) if today.year - year > dated_years else None
    more = getattr(entry.more, lang) if entry.more else None
    return Answer(
        topic,
        country,
        lang,
        getattr(entry.summary, lang),
        more,
        _footer(kb, entry, lang),
        dated,
        _citations(kb, entry, lang),
    )
