"""Load and validate the whole knowledge base, or refuse it whole.

``load()`` reads every file, checks each against the pydantic models and then across files (source
ids exist, ids unique, towns resolve, coordinates inside the country). Any error → ``KBError`` with
every problem found, each as ``file:line message`` — never a half-loaded knowledge base.

The countries are the files: every ``<country>.yml`` beside ``sources.yml`` and ``regional.yml`` is
one, in the order of its ``menu_order``. Adding a country is adding its files, not code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, Type

from pydantic import BaseModel, ValidationError

from bot.geo.gazetteer import Gazetteer, Town, packaged_towns
from bot.kb import REGIONAL, REGIONAL_TOPICS, SOURCES, TOPICS, yaml_lines
from bot.kb.models import CountryFile, Entry, Place, PlacesFile, Question, SourceDoc, SourcesFile, TownsFile
from bot.text import fold

_LANG_NAMES = {"es": "Spanish", "en": "English"}


@dataclass(frozen=True)
class Issue:
    """One problem an editor must fix (or, as a warning, should know about)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.message}"


class KBError(Exception):
    """The knowledge base was refused; ``issues`` lists every reason."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(map(str, issues)))


@dataclass
class ResolvedPlace:
    """A place with the coordinates it is searched by (its own, or its town's)."""

    place: Place
    country: str
    lat: float
    lon: float
    file: str


@dataclass
class KnowledgeBase:
    """Everything validated, ready to answer from.

    ``countries`` holds every country file in menu order, then ``regional``.
    """

    root: Path
    countries: dict[str, CountryFile]
    sources: dict[str, SourceDoc]
    places: list[ResolvedPlace]
    gazetteer: Gazetteer
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


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _describe(loc: tuple, msg: str, kind: str) -> str:
    """A pydantic error path in an editor's words: 'topic "work_permit": the English text is missing'."""
    parts = list(loc)
    context = ""
    if len(parts) >= 2 and parts[0] == "topics":
        context = f'topic "{parts[1]}": '
        parts = parts[2:]
    elif len(parts) >= 2 and parts[0] == "questions" and isinstance(parts[1], int):
        context = f"question #{parts[1] + 1}: "
        parts = parts[2:]
    elif len(parts) >= 2 and parts[0] in ("places", "towns", "sources") and isinstance(parts[1], int):
        context = f"{parts[0][:-1]} #{parts[1] + 1}: "
        parts = parts[2:]
    if parts and parts[-1] in _LANG_NAMES:
        what = f"the {_LANG_NAMES[parts[-1]]} text"
        if len(parts) > 1:
            what += f" of `{'.'.join(map(str, parts[:-1]))}`"
    else:
        what = f"`{'.'.join(map(str, parts))}`" if parts else "this entry"
    if kind == "value_error.missing":
        return f"{context}{what} is missing"
    if kind == "value_error.extra":
        return f"{context}{what} is not a known field (check the spelling)"
    return f"{context}{what} {msg}"


class _Reader:
    """Collects issues while reading files, so one run reports every problem at once."""

    def __init__(self, root: Path):
        self.root = root
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []

    def parse(self, path: Path, model: Type[BaseModel]) -> tuple[Any | None, Any]:
        rel = _rel(path, self.root)
        try:
            raw = yaml_lines.read(path)
        except Exception as exc:  # ruamel raises many classes; all carry a problem_mark
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.issues.append(Issue(rel, line, f"is not valid YAML: {problem}"))
            return None, None
        if not isinstance(raw, dict):
            self.issues.append(Issue(rel, 1, "is empty or not a YAML mapping"))
            return None, raw
        try:
            return model.parse_obj(yaml_lines.plain(raw)), raw
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                self.issues.append(Issue(rel, yaml_lines.line_of(raw, loc), _describe(loc, err["msg"], err["type"])))
            return None, raw

    def error(self, path: Path, raw: Any, loc: tuple, message: str) -> None:
        self.issues.append(Issue(_rel(path, self.root), yaml_lines.line_of(raw, loc), message))

    def warn(self, path: Path, raw: Any, loc: tuple, message: str) -> None:
        self.warnings.append(Issue(_rel(path, self.root), yaml_lines.line_of(raw, loc), message))


def _supplement_towns(reader: _Reader, root: Path, countries: dict[str, CountryFile], base: Gazetteer) -> list[Town]:
    """Editors' towns: merged into the packaged gazetteer (``same_as`` borrows its coordinates)."""
    towns: list[Town] = []
    for path in sorted((root / "towns").glob("*.yml")):
        parsed, raw = reader.parse(path, TownsFile)
        if parsed is None:
            continue
        for i, spec in enumerate(parsed.towns):
            loc = ("towns", i)
            if spec.country not in countries or spec.country == REGIONAL:
                reader.error(path, raw, loc + ("country",), f'town "{spec.name}": unknown country "{spec.country}"')
                continue
            if spec.same_as:
                found = base.resolve(spec.same_as, country=spec.country)
                if spec.admin1 and found.ambiguous:
                    found.towns = [t for t in found.towns if fold(t.admin1) == fold(spec.admin1)][:1]
                if not found.found or found.fuzzy:
                    reader.error(
                        path,
                        raw,
                        loc + ("same_as",),
                        f'town "{spec.name}": same_as "{spec.same_as}" is not one town in the packaged '
                        "gazetteer for that country (add admin1, or give lat/lon with a source)",
                    )
                    continue
                lat, lon = found.towns[0].lat, found.towns[0].lon
            else:
                lat, lon = spec.lat, spec.lon  # type: ignore[assignment]
            if not _inside(countries[spec.country], lat, lon):
                reader.error(
                    path, raw, loc + ("lat",), f'town "{spec.name}": {lat}, {lon} is not inside {spec.country}'
                )
                continue
            town = Town(spec.name, spec.country, lat, lon, spec.admin1 or "", 0, source="supplement")
            town.names = {fold(spec.name)} | {fold(a) for a in spec.aliases}
            towns.append(town)
    return towns


def _check_country(reader: _Reader, path: Path, raw: Any, parsed: CountryFile, sources: dict) -> None:
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
    reader: _Reader, path: Path, raw: Any, parsed: CountryFile, sources: dict, topics: tuple[str, ...]
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
        for lang in ("es", "en"):
            for k, phrasing in enumerate(getattr(question.ask, lang)):
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


def _read_countries(reader: _Reader, root: Path) -> dict[str, tuple[Path, Any, CountryFile]]:
    """Every country file (and ``regional.yml``), countries in menu order, ``regional`` last.

    Countries need what the menu, the gazetteer and the coordinate checks read: ``iso2``,
    ``menu_order`` (each position once) and ``bbox``.
    """
    regional = root / f"{REGIONAL}.yml"
    if not regional.exists():
        reader.warnings.append(Issue(_rel(regional, root), 1, "does not exist yet (no regional answers)"))
    found: dict[str, tuple[Path, Any, CountryFile]] = {}
    for path in [*country_paths(root), *([regional] if regional.exists() else [])]:
        parsed, raw = reader.parse(path, CountryFile)
        if parsed is not None:
            found[path.stem] = (path, raw, parsed)
    taken: dict[int, str] = {}
    for cid, (path, raw, parsed) in found.items():
        if cid == REGIONAL:
            continue
        for name in ("iso2", "menu_order", "bbox"):
            if getattr(parsed, name) is None:
                reader.error(path, raw, ("country",), f"`{name}` is missing (every country file needs it)")
        order = parsed.menu_order
        if order is not None and order in taken:
            reader.error(path, raw, ("menu_order",), f"menu_order {order} is also {taken[order]}'s; give each its own")
        elif order is not None:
            taken[order] = cid

    def position(item: tuple[str, tuple[Path, Any, CountryFile]]) -> tuple[int, str]:
        cid, (_, _, parsed) = item
        return (10**6 if cid == REGIONAL else parsed.menu_order or 10**5, cid)

    return dict(sorted(found.items(), key=position))


def _inside(country: CountryFile, lat: float, lon: float) -> bool:
    """True when the point is inside the country's box (a country without a box is refused anyway)."""
    return country.bbox is not None and country.bbox.contains(lat, lon)


def load(root: Path) -> KnowledgeBase:
    """Read and check everything under ``root``; raise ``KBError`` listing every problem."""
    root = Path(root)
    reader = _Reader(root)
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

    parsed_sources, raw_sources = reader.parse(root / "sources.yml", SourcesFile)
    if parsed_sources:
        add_sources(root / "sources.yml", raw_sources, parsed_sources.sources)

    countries = _read_countries(reader, root)
    for path, raw, parsed in countries.values():
        add_sources(path, raw, parsed.sources)

    seen_alias: dict[str, str] = {}
    for cid, (path, raw, parsed) in countries.items():
        _check_country(reader, path, raw, parsed, sources)
        for i, alias in enumerate(parsed.aliases):
            key = fold(alias)
            if seen_alias.get(key, cid) != cid:
                reader.error(path, raw, ("aliases", i), f'alias "{alias}" is also used by {seen_alias[key]}')
            seen_alias[key] = cid

    files = {cid: parsed for cid, (_, _, parsed) in countries.items()}
    preferred = {cid: f.preferred_regions for cid, f in files.items()}
    packaged = packaged_towns({f.iso2: cid for cid, f in files.items() if f.iso2})
    supplement = _supplement_towns(reader, root, files, Gazetteer(packaged, preferred))
    gazetteer = Gazetteer([*packaged, *supplement], preferred)
    places = _load_places(reader, root, sources, gazetteer, files)

    if reader.issues:
        raise KBError(reader.issues)
    return KnowledgeBase(
        root=root,
        countries=files,
        sources=sources,
        places=places,
        gazetteer=gazetteer,
        warnings=reader.warnings,
    )


def _load_places(
    reader: _Reader, root: Path, sources: dict, gazetteer: Gazetteer, countries: dict[str, CountryFile]
) -> list[ResolvedPlace]:
    places: list[ResolvedPlace] = []
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
            if place.precision == "exact":
                lat, lon = place.lat, place.lon
                if not place.coordinates_source:
                    reader.error(
                        path,
                        raw,
                        loc + ("lat",),
                        f"{who}: exact coordinates need `coordinates_source` (where they come from)",
                    )
            else:
                found = gazetteer.resolve(place.city, country=parsed.country)
                if place.admin1 and found.ambiguous:
                    found.towns = [t for t in found.towns if fold(t.admin1) == fold(place.admin1)][:1]
                if not found.found:
                    hint = (
                        "several towns have that name; add `admin1` (state/department)"
                        if found.ambiguous
                        else f"check the spelling or add the town to knowledge_base/towns/{parsed.country}.yml"
                    )
                    reader.error(
                        path, raw, loc + ("city",), f'{who}: town "{place.city}" not found in {parsed.country}: {hint}'
                    )
                    continue
                lat, lon = found.towns[0].lat, found.towns[0].lon
            if lat is None or lon is None:
                continue
            if not _inside(countries[parsed.country], lat, lon):
                reader.error(path, raw, loc + ("lat",), f"{who}: {lat}, {lon} is not inside {parsed.country}")
                continue
            places.append(ResolvedPlace(place, parsed.country, lat, lon, _rel(path, root)))
    return places
