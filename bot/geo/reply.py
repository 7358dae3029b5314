"""Turn a lookup into a reply (in any language with a locale: ``places`` and ``groups``) or a JSON list.

Each place is written to fit one SMS screen (160 characters) where possible: name, what it does,
where, who it is for (when it is not for everyone) and the contact details the data has. Only the
"what it does" text is shortened to make it fit; names and contact details are never cut, because a
half phone number is worse than a long message.

Two things in the "what it does" text are never cut either, even when the line grows past one SMS:

* **How current it is.** A line shows a year: the text's own leading tag ("(2024) ...",
  "(2017, plan) ..."), else the publication year of the place's newest source (when the caller
  passes the knowledge base), else the newest year the text mentions. A 2017 office shown without
  its year reads as today's office.
* **Warnings.** A sentence that says to check first, that the place was reported closed, or that a
  service was only a plan ("Confirma antes de ir.", "it was reported closed; check whether it is
  open") is kept whole. Other sentences give way, in order from the last; the first sentence is cut
  at a word before it is dropped.

Distances, and why they are sometimes not given:

* A place with ``precision: city`` sits on its town's centre, and a typed town is also only its
  centre. Between two such points "0 km" or "3 km" would be false precision, so under
  ``NEAR_KM`` the reply says only "en Tapachula" / "in Tapachula".
* From another town the town-to-town distance is still useful ("is it 30 km or 300 km away?"),
  and the error of a town centre is small beside it, so the reply says
  "en Tapachula (a unos 30 km)", rounded to 5 km and marked approximate.
* Only a location pin and a place with ``precision: exact`` give a plain "a 3 km" (rounded to 1 km).
* A country-only question has no starting point, so no distance at all.
"""

from __future__ import annotations

import re
from typing import Any

from bot import locales
from bot.geo.gazetteer import Town
from bot.geo.lookup import LookupResult
from bot.geo.nearest import GROUPS, Hit, is_specific
from bot.geo.places import Geography
from bot.kb.models import Place
from bot.text import fold

Lang = str
SMS_CHARS = 160
NEAR_KM = 10.0
"""Closer than this (with a town-level end) the reply says only "in <city>"."""
ROUND_KM = 5
"""Town-level distances are rounded to this many km."""
MIN_CUT = 40
"""A "what it does" text cut shorter than this says nothing ("En 2017 recibía a..."): drop it."""
SPECIFIC_GROUPS = tuple(group for group in GROUPS if group != "all")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_YEAR = re.compile(r"\b(?:19[5-9][0-9]|20[0-9]{2})\b")
_TAG = re.compile(r"^\((?=[^)]*\b(?:19|20)[0-9]{2}\b)[^)]*\)\s*")
"""A leading "(2024)" or "(2017, plan)": the editor's statement of how current the text is."""
_WARNING = re.compile(
    r"\b(?:confirm\w*|verific\w*|cerr(?:o|ado|ada|ados|adas|aron)|suspend\w*|ya no|plan|planes|planned"
    r"|antes de ir|no se sabe|no esta claro|puede haber cambiado|check|closed|no longer|not known|unclear"
    r"|may have changed)\b"
)
"""Words that make a sentence a warning, on folded text (no accents): "Confirma antes de ir",
"se informó que cerró", "check whether it is open", "there was a plan"."""


def is_warning(sentence: str) -> bool:
    """A sentence the person must not miss: check first, reported closed, only a plan."""
    return bool(_WARNING.search(fold(sentence)))


def source_year(kb: Geography, place: Place) -> int | None:
    """Publication year of the newest document a place cites (None if none is declared)."""
    years = [kb.sources[ref.id].year for ref in place.sources if ref.id in kb.sources]
    return max(years) if years else None


def _phrases(lang: Lang) -> dict[str, str]:
    """The reply's sentences in ``lang`` (``places`` in ``bot/locales``; a missing one in Spanish)."""
    return {key: locales.template("places", key, lang) for key in locales.keys(locales.DEFAULT)["places"]}


def _group_name(group: str, lang: Lang) -> str:
    """Who a place serves, as said inside a sentence ("niñas y niños")."""
    return locales.text("groups", group, lang) if group in SPECIFIC_GROUPS else group


def country_name(country: str | None, lang: Lang, kb: Geography | None = None) -> str:
    """The country's ``name`` in its file (the id only when no knowledge base is given)."""
    file = kb.countries.get(country or "") if kb else None
    return getattr(file.name, lang, file.name.es) if file else country or ""


def candidate_label(town: Town, lang: Lang, kb: Geography | None = None) -> str:
    """'San Marcos (San Marcos, Guatemala)': enough to tell towns of the same name apart."""
    inner = ", ".join(part for part in (town.admin1, country_name(town.country, lang, kb)) if part)
    return f"{town.name} ({inner})" if inner else town.name


def render(result: LookupResult, lang: Lang, kb: Geography) -> str:
    """The whole reply: a header line, then one numbered line per place (nearest first).

    A line without its own year tag shows the year of the place's newest source."""
    t = _phrases(lang)
    if result.status == "unknown_town":
        return t["unknown"].format(query=(result.query or "").strip())
    if result.status == "ambiguous":
        options = [f"{i}. {candidate_label(town, lang, kb)}" for i, town in enumerate(result.candidates, 1)]
        return "\n".join([t["ambiguous"].format(query=(result.query or "").strip()), *options])
    lines = [_header(result, lang, kb)]
    lines += [
        place_line(i, hit, result, lang, year=source_year(kb, hit.place), kb=kb) for i, hit in enumerate(result.hits, 1)
    ]
    return "\n".join(lines)


def _header(result: LookupResult, lang: Lang, kb: Geography) -> str:
    t = _phrases(lang)
    country = country_name(result.home, lang, kb)
    group = _group_name(result.serves or "", lang)
    if result.located_by == "country":
        if not result.hits:
            return t["none_country"].format(country=country)
        if result.fallback:
            return t["fallback_country"].format(group=group, country=country)
        if is_specific(result.serves):
            return t["country_group"].format(group=group, country=country)
        offices = all(h.place.kind == "asylum_office" for h in result.hits)
        return t["country_offices" if offices else "country_places"].format(country=country)
    where = result.origin.name if result.located_by == "town" and result.origin else t["pin"]
    if not result.hits:
        return t["none_near"].format(where=where)
    if result.fallback:
        key = "fallback_near_1" if len(result.hits) == 1 else "fallback_near_n"
        return t[key].format(group=group, where=where)
    return t["near"].format(where=where)


def place_line(
    number: int, hit: Hit, result: LookupResult, lang: Lang, year: int | None = None, kb: Geography | None = None
) -> str:
    """One place, ≤ 160 characters where possible (only the "what it does" text gives way, and
    never its year or a warning). ``year``: the place's newest source, shown when the text has
    no "(2024)" tag; without it, the newest year the text mentions. ``kb`` names the country of
    a place across a border."""
    t = _phrases(lang)
    place = hit.place
    fixed = [_where(hit, result, lang, kb)]
    specific = [_group_name(g, lang) for g in place.serves if g in SPECIFIC_GROUPS]
    if "all" not in place.serves and specific:
        fixed.append(t["for"].format(groups=_join(specific, t["and"])))
    for key in ("phone", "address", "hours", "website"):
        value = getattr(place, key)
        if value:
            fixed.append(t[key].format(value=value))
    head = f"{number}. {place.name}:"
    budget = SMS_CHARS - len(head) - len(" ".join(fixed)) - 2  # two joining spaces
    does = _fit(getattr(place.does, lang, place.does.es), budget, year)
    return " ".join(part for part in (head, does, *fixed) if part)


def _where(hit: Hit, result: LookupResult, lang: Lang, kb: Geography | None) -> str:
    t = _phrases(lang)
    city = hit.place.city
    if result.home and hit.country != result.home:
        city = f"{city}, {country_name(hit.country, lang, kb)}"
    km = hit.distance_km
    if km is None:
        return t["in_city"].format(city=city)
    precise = result.located_by == "pin" and hit.place.precision == "exact"
    if precise:
        return t["exact_lt1"].format(city=city) if km < 1 else t["exact"].format(km=round(km), city=city)
    if km < NEAR_KM:
        return t["in_city"].format(city=city)
    return t["in_city_about"].format(city=city, km=ROUND_KM * round(km / ROUND_KM))


def _join(items: list[str], last: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + last + items[-1]


def _fit(text: str, budget: int, year: int | None = None) -> str:
    """The "what it does" text in ``budget`` characters where possible, keeping its year tag and
    every warning sentence whatever the budget.

    Order of giving way: whole text → first sentence, warnings and as many of the other sentences
    (in order) as fit → first sentence cut at a word with "..." → only the year and the warnings.
    """
    text = text.strip()
    tag_match = _TAG.match(text)
    tag = tag_match.group(0).strip() if tag_match else ""
    body = text[tag_match.end() :] if tag_match else text
    if not tag and year is None:
        mentioned = [int(y) for y in _YEAR.findall(text)]
        year = max(mentioned) if mentioned else None
    sentences = [s for s in _SENTENCE_END.split(body) if s]

    def compose(parts: list[str]) -> str:
        out = " ".join(part for part in parts if part)
        if tag:
            return f"{tag} {out}".strip()
        if year is not None and not re.search(rf"\b{year}\b", out):
            return f"({year}) {out}".strip()
        return out

    whole = compose([body])
    if len(whole) <= budget or not sentences:
        return whole
    warnings = [i for i, sentence in enumerate(sentences) if is_warning(sentence)]
    keep = sorted({0, *warnings})
    if len(compose([sentences[i] for i in keep])) <= budget:
        for i in range(1, len(sentences)):
            trial = sorted({*keep, i})
            if i not in keep and len(compose([sentences[j] for j in trial])) <= budget:
                keep = trial
        return compose([sentences[i] for i in keep])
    required = [sentences[i] for i in warnings]
    if 0 not in warnings:
        room = budget - len(compose(required)) - 1
        while room >= MIN_CUT:
            cut = sentences[0][: room - 3].rsplit(" ", 1)[0].rstrip(",;:(")
            candidate = compose([f"{cut}...", *required])
            if len(candidate) <= budget:
                return candidate
            room -= len(candidate) - budget
    return compose(required)


def as_json(result: LookupResult) -> list[dict[str, Any]]:
    """The places as plain data: {name, kind, city, country, distance_km, precision, serves}."""
    return [
        {
            "name": hit.place.name,
            "kind": hit.place.kind,
            "city": hit.place.city,
            "country": hit.country,
            "distance_km": None if hit.distance_km is None else round(hit.distance_km, 1),
            "precision": hit.place.precision,
            "serves": list(hit.place.serves),
        }
        for hit in result.hits
    ]
