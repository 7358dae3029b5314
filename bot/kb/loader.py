"""Load and validate the knowledge base's content, or refuse it whole.

``read()`` checks every file against the pydantic models and then across files: source ids exist,
ids are unique, every country file has what the menu and the maps need, coordinates an editor
typed lie inside their country. It never raises; what it found waits in the ``Draft``.
``load()`` is ``read()`` for content alone: ``KBError`` with every problem, or the ``Content``.

Where towns and places are *on the map* (towns resolved in the gazetteer, places placed at their
town) is checked one layer up, by ``bot.world``, which joins content and geography; this package
never imports ``bot.geo``.

The countries are the files: every ``<country>.yml`` beside ``sources.yml`` and ``regional.yml`` is
one, in the order of its ``menu_order``. Adding a country is adding its files, not code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, Iterator, TypeVar

from pydantic import BaseModel

from bot.kb import REGIONAL, REGIONAL_TOPICS, SOURCES, TOPICS
from bot.kb.models import CountryFile, Entry, Place, PlacesFile, Question, SourceDoc, SourcesFile, TownsFile
from bot.kb.reader import Issue, KBError, Reader, rel
from bot.text import fold

__all__ = ["Content", "Draft", "Issue", "KBError", "ListedPlace", "Parsed", "country_paths", "load", "read"]

M = TypeVar("M", bound=BaseModel)


@dataclass
class ListedPlace:
    """A place as its file lists it (``bot.world`` adds the coordinates it is searched by)."""

    place: Place
    country: str
    file: str


@dataclass
class Content:
    """Everything the files say, validated, ready to answer from.

    ``countries`` holds every country file in menu order, then ``regional``.
    """

    root: Path
    countries: dict[str, CountryFile]
    sources: dict[str, SourceDoc]
    places: list[ListedPlace]
    warnings: list[Issue] = field(default_factory=list)
    loaded_at: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def country_ids(self) -> tuple[str, ...]:
        """The countries, in menu order (``regional`` is not a country)."""
        return tuple(cid for cid in self.countries if cid != REGIONAL)

    def entry(self, country: str, topic: str) -> Entry | None:
        file = self.countries.get(country)
        return file.topics.get(topic) if file else None

    def question(self, country: str, question_id: str) -> Question | None:
        file = self.countries.get(country)
        return next((q for q in file.questions if q.id == question_id), None) if file else None

    def all_entries(self) -> Iterator[tuple[str, str, Entry]]:
        """Every answer Ruta can give: (country id, "topic:<id>" or "question:<id>", entry)."""
        for cid, file in self.countries.items():
            for topic, entry in file.topics.items():
                yield cid, f"topic:{topic}", entry
            for question in file.questions:
                yield cid, f"question:{question.id}", question

    def country_aliases(self) -> dict[str, str]:
        """Folded alias → country id, for entity extraction and menus (computed once per load)."""
        return self._country_aliases

    @cached_property
    def _country_aliases(self) -> dict[str, str]:
        aliases: dict[str, str] = {}
        for cid, file in self.countries.items():
            if cid == REGIONAL:
                continue
            for alias in [cid.replace("_", " "), file.name.es, file.name.en, *file.aliases]:
                aliases[fold(alias)] = cid
        return aliases


@dataclass
class Parsed(Generic[M]):
    """One file read: where it is, its YAML (for line numbers) and its model."""

    path: Path
    raw: Any
    model: M


@dataclass
class Draft:
    """The content read and checked, with the problems found so far (``reader.issues``)."""

    root: Path
    reader: Reader
    countries: dict[str, Parsed[CountryFile]]
    sources: dict[str, SourceDoc]
    towns: list[Parsed[TownsFile]]
    places: list[Parsed[PlacesFile]]

    @property
    def files(self) -> dict[str, CountryFile]:
        """Country id → its file, in menu order, ``regional`` last."""
        return {cid: parsed.model for cid, parsed in self.countries.items()}

    def listed_places(self) -> list[ListedPlace]:
        return [
            ListedPlace(place, parsed.model.country, rel(parsed.path, self.root))
            for parsed in self.places
            for place in parsed.model.places
        ]

    def content(self) -> Content:
        """The content, or ``KBError`` listing every problem found (by this package or above it)."""
        if self.reader.issues:
            raise KBError(self.reader.issues)
        return Content(self.root, self.files, self.sources, self.listed_places(), self.reader.warnings)


def load(root: Path) -> Content:
    """Read and check the content under ``root``; raise ``KBError`` listing every problem.

    Towns and places are not put on the map here: for that, and for an answerable knowledge
    base with its gazetteer, use ``bot.world.load``.
    """
    return read(root).content()


def read(root: Path) -> Draft:
    """Read every file under ``root`` and check what needs no map; the problems wait in the draft."""
    root = Path(root)
    reader = Reader(root)
    sources: dict[str, SourceDoc] = {}
    source_files: dict[str, Path] = {}

    def add_sources(path: Path, raw: Any, docs: list[SourceDoc]) -> None:
        for i, doc in enumerate(docs):
            if doc.id in sources:
                reader.error(
                    path,
                    raw,
                    ("sources", i, "id"),
                    f'source id "{doc.id}" is declared twice (also in {source_files[doc.id].name})',
                )
            sources[doc.id], source_files[doc.id] = doc, path

    parsed_sources, raw_sources = reader.parse(root / f"{SOURCES}.yml", SourcesFile)
    if parsed_sources:
        add_sources(root / f"{SOURCES}.yml", raw_sources, parsed_sources.sources)

    countries = _read_countries(reader, root)
    for parsed in countries.values():
        add_sources(parsed.path, parsed.raw, parsed.model.sources)

    seen_alias: dict[str, str] = {}
    for cid, parsed in countries.items():
        _check_country(reader, parsed.path, parsed.raw, parsed.model, sources)
        for i, alias in enumerate(parsed.model.aliases):
            key = fold(alias)
            if seen_alias.get(key, cid) != cid:
                reader.error(
                    parsed.path, parsed.raw, ("aliases", i), f'alias "{alias}" is also used by {seen_alias[key]}'
                )
            seen_alias[key] = cid

    files = {cid: parsed.model for cid, parsed in countries.items()}
    towns = _read_towns(reader, root, files)
    places = _read_places(reader, root, sources, files)
    return Draft(root, reader, countries, sources, towns, places)


def _read_towns(reader: Reader, root: Path, countries: dict[str, CountryFile]) -> list[Parsed[TownsFile]]:
    """The towns files; each town's country must have a file, typed coordinates must lie inside it."""
    found: list[Parsed[TownsFile]] = []
    for path in sorted((root / "towns").glob("*.yml")):
        parsed, raw = reader.parse(path, TownsFile)
        if parsed is None:
            continue
        for i, spec in enumerate(parsed.towns):
            loc = ("towns", i)
            if spec.country not in countries or spec.country == REGIONAL:
                reader.error(path, raw, loc + ("country",), f'town "{spec.name}": unknown country "{spec.country}"')
            elif spec.lat is not None and spec.lon is not None and not spec.same_as:
                if not inside(countries[spec.country], spec.lat, spec.lon):
                    reader.error(
                        path,
                        raw,
                        loc + ("lat",),
                        f'town "{spec.name}": {spec.lat}, {spec.lon} is not inside {spec.country}',
                    )
        found.append(Parsed(path, raw, parsed))
    return found


def _read_places(
    reader: Reader, root: Path, sources: dict, countries: dict[str, CountryFile]
) -> list[Parsed[PlacesFile]]:
    """The places files: the country named by the file, unique ids, declared sources, and exact
    coordinates with their source, inside the country. Places at a town are placed by ``bot.world``."""
    found: list[Parsed[PlacesFile]] = []
    seen: dict[str, str] = {}
    for path in sorted((root / "places").glob("*.yml")):
        parsed, raw = reader.parse(path, PlacesFile)
        if parsed is None:
            continue
        if parsed.country != path.stem or parsed.country not in countries or parsed.country == REGIONAL:
            reader.error(path, raw, ("country",), f'says country "{parsed.country}" but the file is named {path.name}')
            continue
        for i, place in enumerate(parsed.places):
            loc = ("places", i)
            who = f'place "{place.id}"'
            if place.id in seen:
                reader.error(path, raw, loc + ("id",), f"{who}: the id is used twice (also in {seen[place.id]})")
            seen[place.id] = path.name
            for j, ref in enumerate(place.sources):
                if ref.id not in sources:
                    reader.error(
                        path,
                        raw,
                        loc + ("sources", j, "id"),
                        f'{who}: source "{ref.id}" is not declared in sources.yml',
                    )
            if place.precision != "exact" or place.lat is None or place.lon is None:
                continue
            if not place.coordinates_source:
                reader.error(
                    path,
                    raw,
                    loc + ("lat",),
                    f"{who}: exact coordinates need `coordinates_source` (where they come from)",
                )
            if not inside(countries[parsed.country], place.lat, place.lon):
                reader.error(
                    path, raw, loc + ("lat",), f"{who}: {place.lat}, {place.lon} is not inside {parsed.country}"
                )
        found.append(Parsed(path, raw, parsed))
    return found


def _check_country(reader: Reader, path: Path, raw: Any, parsed: CountryFile, sources: dict) -> None:
    cid = path.stem
    if parsed.country != cid:
        reader.error(path, raw, ("country",), f'says country "{parsed.country}" but the file is named {path.name}')
    allowed = REGIONAL_TOPICS if cid == REGIONAL else TOPICS
    for topic, entry in parsed.topics.items():
        if topic not in allowed:
            reader.error(
                path, raw, ("topics", topic), f'topic "{topic}" is not a known topic; use one of: {", ".join(allowed)}'
            )
        for i, ref in enumerate(entry.sources):
            if ref.id not in sources:
                reader.error(
                    path,
                    raw,
                    ("topics", topic, "sources", i, "id"),
                    f'topic "{topic}": source "{ref.id}" is not declared in sources.yml',
                )
    _check_questions(reader, path, raw, parsed, sources, (*allowed, *TOPICS) if cid == REGIONAL else allowed)
    if parsed.emergency and parsed.emergency.source.id not in sources:
        reader.error(
            path,
            raw,
            ("emergency", "source", "id"),
            f'emergency: source "{parsed.emergency.source.id}" is not declared',
        )
    if cid != REGIONAL and parsed.emergency is None:
        reader.warn(
            path, raw, ("country",), "has no emergency number; the emergency answer will only give general advice"
        )


def _check_questions(
    reader: Reader, path: Path, raw: Any, parsed: CountryFile, sources: dict, topics: tuple[str, ...]
) -> None:
    """Question ids unique, topics known, sources declared, and no phrasing used by two questions
    of one file (it would make the match a coin toss)."""
    seen_id: set[str] = set()
    seen_ask: dict[str, str] = {}
    for i, question in enumerate(parsed.questions):
        loc = ("questions", i)
        who = f'question "{question.id}"'
        if question.id in seen_id:
            reader.error(path, raw, loc + ("id",), f"{who}: the id is used twice in this file")
        seen_id.add(question.id)
        if question.topic not in topics:
            reader.error(
                path, raw, loc + ("topic",), f'{who}: topic "{question.topic}" is not one of: {", ".join(topics)}'
            )
        for j, ref in enumerate(question.sources):
            if ref.id not in sources:
                reader.error(path, raw, loc + ("sources", j, "id"), f'{who}: source "{ref.id}" is not declared')
        for lang, phrasings in question.ask.languages().items():
            for k, phrasing in enumerate(phrasings):
                key = fold(phrasing)
                if seen_ask.get(key, question.id) != question.id:
                    reader.error(
                        path,
                        raw,
                        loc + ("ask", lang, k),
                        f'{who}: the phrasing "{phrasing}" is also used by question "{seen_ask[key]}"',
                    )
                seen_ask[key] = question.id


def country_paths(root: Path) -> list[Path]:
    """The country files under ``root``: every ``<name>.yml`` but ``sources.yml`` and ``regional.yml``."""
    return [path for path in sorted(Path(root).glob("*.yml")) if path.stem not in (SOURCES, REGIONAL)]


def _read_countries(reader: Reader, root: Path) -> dict[str, Parsed[CountryFile]]:
    """Every country file (and ``regional.yml``), countries in menu order, ``regional`` last.

    Countries need what the menu, the gazetteer and the coordinate checks read: ``iso2``,
    ``menu_order`` (each position once) and ``bbox``.
    """
    regional = root / f"{REGIONAL}.yml"
    if not regional.exists():
        reader.warnings.append(Issue(rel(regional, root), 1, "does not exist yet (no regional answers)"))
    found: dict[str, Parsed[CountryFile]] = {}
    for path in [*country_paths(root), *([regional] if regional.exists() else [])]:
        parsed, raw = reader.parse(path, CountryFile)
        if parsed is not None:
            found[path.stem] = Parsed(path, raw, parsed)
    taken: dict[int, str] = {}
    for cid, item in found.items():
        if cid == REGIONAL:
            continue
        for name in ("iso2", "menu_order", "bbox"):
            if getattr(item.model, name) is None:
                reader.error(item.path, item.raw, ("country",), f"`{name}` is missing (every country file needs it)")
        order = item.model.menu_order
        if order is not None and order in taken:
            reader.error(
                item.path, item.raw, ("menu_order",), f"menu_order {order} is also {taken[order]}'s; give each its own"
            )
        elif order is not None:
            taken[order] = cid

    def position(entry: tuple[str, Parsed[CountryFile]]) -> tuple[int, str]:
        cid, item = entry
        return (10**6 if cid == REGIONAL else item.model.menu_order or 10**5, cid)

    return dict(sorted(found.items(), key=position))


def inside(country: CountryFile, lat: float, lon: float) -> bool:
    """True when the point is inside the country's box (a country without a box is refused anyway)."""
    return country.bbox is not None and country.bbox.contains(lat, lon)
