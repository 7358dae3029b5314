"""Turn a knowledge-base entry into the words a person receives: text, source, date, caveat.

``Answer.render`` is the whole text (REST, WhatsApp, the staff shell); ``Answer.parts`` is the
same answer in pieces, so the SMS channel can keep the body whole and shorten only what follows
it (see ``bot/sms_fit.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot import locales
from bot.kb.loader import Content
from bot.kb.models import Entry, SourceDoc

_LABEL_KEYS = ("source", "reviewed", "dated", "dated_short", "dated_changed", "cited")


def _labels(language: str) -> dict[str, str]:
    """The answer's fixed words in ``language`` (``answer`` in ``bot/locales``; a missing one in
    Spanish), ``{year}`` left for the caller to fill."""
    return {key: locales.template("answer", key, language) for key in _LABEL_KEYS}


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
    newest_source: str = ""
    """The newest document's short name and year ("REDLAC 2020"): the source line when space is short."""
    dated_year: int | None = None
    """The newest source's year when even it is old enough for the answer to be dated, else None."""

    def render(self, with_more: bool = False) -> str:
        """Summary (or, when asked, the longer part), caveat, source name and date."""
        return "\n".join([self.body(with_more), self.tails(with_more)[0]])

    def body(self, with_more: bool = False) -> str:
        """What the person asked for: the summary, or the longer part when there is one."""
        return (self.more or self.summary) if with_more else self.summary

    def tails(self, with_more: bool = False) -> list[str]:
        """What follows the body, richest first; each next one is shorter.

        Caveat + source list, then the source list becomes the newest source's
        name and year, then the caveat joins that line ("Fuente: REDLAC 2020, datos de 2016").
        The last one always keeps a source name and year, and the year of the data when it is dated.
        """
        labels = _labels(self.language)
        note = [self.dated_note] if self.dated_note else []
        short = f"{labels['source']}: {self.newest_source or self.footer}"
        if self.dated_year is not None and str(self.dated_year) in short:  # the year is already there
            merged = f"{short} ({labels['dated_changed']})."
        elif self.dated_year is not None:
            merged = f"{short}, {labels['dated_short'].format(year=self.dated_year)}."
        else:
            merged = f"{short}."
        # exact citations (line numbers) are for staff: the shell's "fuentes" and `kb report`
        ladder = ["\n".join([*note, self.footer]), "\n".join([*note, f"{short}."]), merged]
        return list(dict.fromkeys(ladder))  # in order, without repeats

    def parts(self, with_more: bool = False) -> dict[str, Any]:
        """The message contract the SMS channel reads (``bot/sms_fit.py``): JSON-safe."""
        return {
            "kind": "answer",
            "lang": self.language,
            "body": self.body(with_more),
            "tails": self.tails(with_more),
        }

    def message(self, with_more: bool = False) -> dict[str, Any]:
        """A ``Reply`` message: the whole text for every channel, the parts for SMS."""
        return {"text": self.render(with_more), "ruta": self.parts(with_more)}


def _named(doc: SourceDoc) -> str:
    """A document's short name with its year, so a reader can judge its age ("REDLAC 2020" as is)."""
    return doc.short if str(doc.year) in doc.short else f"{doc.short} {doc.year}"


def _footer(kb: Content, entry: Entry, language: str) -> str:
    """Short enough for an SMS: the documents' short names with their years, and the review date."""
    labels = _labels(language)
    names = list(dict.fromkeys(_named(kb.sources[ref.id]) for ref in entry.sources))
    return f"{labels['source']}: {'; '.join(names)}. {labels['reviewed']}: {entry.last_reviewed.isoformat()}"


def _citations(kb: Content, entry: Entry, language: str) -> str:
    """Exact places in the documents, for staff who check an answer against its source."""
    cited = "; ".join(f"{kb.sources[ref.id].short}: {ref.where}" for ref in entry.sources)
    return f"{_labels(language)['cited']}: {cited}"


def newest_source_year(kb: Content, entry: Entry) -> int:
    """The newest document behind an entry: it decides whether the answer may be dated.

    Old facts that a newer source did not confirm carry their own year in the text ("En 2017…"),
    so an answer brought up to date by a 2025 source is not flagged for its 2017 history.
    """
    return max(kb.sources[ref.id].year for ref in entry.sources)


def newest_source(kb: Content, entry: Entry) -> str:
    """The newest document's short name with its year ("COMAR (gob.mx) 2026"; "REDLAC 2020" as is).

    On ties the first one listed wins: editors list the main source first.
    """
    docs = [kb.sources[ref.id] for ref in entry.sources]
    return _named(max(docs, key=lambda d: d.year))  # max keeps the first of equals


def answer(
    kb: Content,
    topic: str,
    country: str,
    language: str,
    today: dt.date | None = None,
    dated_years: int = 2,
) -> Answer | None:
    """The entry for ``topic`` in ``country`` in ``language``, or None when there is none.

    An answer whose newest source is more than ``dated_years`` old says so: most seeds are from
    2016–2020 and a person must not take them for today's rules.
    """
    entry = kb.entry(country, topic)
    if entry is None:
        return None
    return from_entry(kb, entry, topic, country, language, today=today, dated_years=dated_years)


def from_entry(
    kb: Content,
    entry: Entry,
    topic: str,
    country: str,
    language: str,
    today: dt.date | None = None,
    dated_years: int = 2,
) -> Answer:
    """The answer for one entry (a topic entry, or anything of the same shape: summary, more,
    sources, last_reviewed), in ``language``: a text or label it lacks, and a language without a locale, in Spanish."""
    lang = locales.supported(language)
    today = today or dt.date.today()
    year = newest_source_year(kb, entry)
    dated = _labels(lang)["dated"].format(year=year) if today.year - year > dated_years else None
    more = entry.more.get(lang) if entry.more else None
    return Answer(
        topic,
        country,
        lang,
        entry.summary.get(lang),
        more,
        _footer(kb, entry, lang),
        dated,
        _citations(kb, entry, lang),
        newest_source(kb, entry),
        year if dated else None,
    )


def entries(kb: Content) -> Iterator[tuple[str, str, str, tuple[str | int, ...], Entry]]:
    """Every answer the knowledge base can give: (country, topic, key, YAML path, entry).

    ``key`` is "topic:<id>" or "question:<id>", as in ``Content.all_entries``.

    Topic entries, then question entries (``questions:`` lists with ``id`` and ``topic``) when
    the loaded files have them, so checks over "every answer" pick new kinds up unchanged. The
    YAML path (``("topics", "asylum")``, ``("questions", 3)``) finds the entry's line.
    """
    for country, file in kb.countries.items():
        for topic, entry in file.topics.items():
            yield country, topic, f"topic:{topic}", ("topics", topic), entry
        questions = getattr(file, "questions", None) or []
        items = questions.items() if isinstance(questions, dict) else enumerate(questions)
        for key, question in items:
            qid = str(getattr(question, "id", key))
            topic = str(getattr(question, "topic", "") or qid)
            yield country, topic, f"question:{qid}", ("questions", key), question
