"""The knowledge base with its map: content (``bot.kb``) joined with geography (``bot.geo``).

Why a layer of its own: the content package must not depend on the map code, and the map code
must not depend on who loads it. Here, above both, the editors' towns are merged into the packaged
gazetteer (``same_as`` borrows a packaged town's coordinates), each place is put at its town, and
every position is checked against its country's ``bbox``. Any problem → ``KBError`` listing every
problem of the content and of the map together, each as ``file:line message``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.geo.gazetteer import Gazetteer, Town, packaged_towns
from bot.geo.places import ResolvedPlace
from bot.kb import REGIONAL, completeness
from bot.kb.loader import Content, Draft, KBError, inside, read
from bot.kb.reader import rel
from bot.text import fold


@dataclass(kw_only=True)
class KnowledgeBase(Content):
    """Everything validated, ready to answer from: the content, its towns and its located places."""

    gazetteer: Gazetteer
    places: list[ResolvedPlace]


def load(root: Path) -> KnowledgeBase:
    """Read and check everything under ``root``; raise ``KBError`` listing every problem."""
    draft = read(Path(root))
    gazetteer = build_gazetteer(draft)
    places = locate_places(draft, gazetteer)
    content = draft.content()  # raises with the content's and the map's problems together
    return KnowledgeBase(
        root=content.root,
        countries=content.countries,
        sources=content.sources,
        warnings=content.warnings,
        gazetteer=gazetteer,
        places=places,
    )


def load_complete(root: Path, served_before: Iterable[str] = ()) -> KnowledgeBase:
    """``load`` plus the missing-country check (``bot.kb.completeness``): ``KBError`` naming every
    missing file first (the loader's own errors, often caused by the missing file, follow)."""
    missing = completeness.missing_countries(root, served_before)
    try:
        kb = load(root)
    except KBError as exc:
        if not missing:
            raise
        raise KBError([*missing, *exc.issues]) from exc
    if missing:
        raise KBError(missing)
    return kb


def build_gazetteer(draft: Draft) -> Gazetteer:
    """The packaged towns of every country's ``iso2``, plus the editors' towns of ``towns/``."""
    files = draft.files
    preferred = {cid: f.preferred_regions for cid, f in files.items()}
    packaged = packaged_towns({f.iso2: cid for cid, f in files.items() if f.iso2})
    base = Gazetteer(packaged, preferred)
    towns: list[Town] = []
    for parsed in draft.towns:
        for i, spec in enumerate(parsed.model.towns):
            if spec.country not in files or spec.country == REGIONAL:
                continue  # already reported by the content checks
            loc = ("towns", i)
            if spec.same_as:
                found = base.resolve(spec.same_as, country=spec.country, admin1=spec.admin1)
                if not found.found or found.fuzzy:
                    draft.reader.error(
                        parsed.path,
                        parsed.raw,
                        loc + ("same_as",),
                        f'town "{spec.name}": same_as "{spec.same_as}" is not one town in the packaged '
                        "gazetteer for that country (add admin1, or give lat/lon with a source)",
                    )
                    continue
                lat, lon = found.towns[0].lat, found.towns[0].lon
                if not inside(files[spec.country], lat, lon):
                    draft.reader.error(
                        parsed.path,
                        parsed.raw,
                        loc + ("same_as",),
                        f'town "{spec.name}": {lat}, {lon} is not inside {spec.country}',
                    )
                    continue
            elif spec.lat is None or spec.lon is None or not inside(files[spec.country], spec.lat, spec.lon):
                continue  # already reported by the content checks
            else:
                lat, lon = spec.lat, spec.lon
            town = Town(spec.name, spec.country, lat, lon, spec.admin1 or "", 0, source="supplement")
            town.names = {fold(spec.name)} | {fold(alias) for alias in spec.aliases}
            towns.append(town)
    place_towns = [(place.city, parsed.model.country) for parsed in draft.places for place in parsed.model.places]
    return Gazetteer([*packaged, *towns], preferred, place_towns)


def locate_places(draft: Draft, gazetteer: Gazetteer) -> list[ResolvedPlace]:
    """Every place at its own coordinates (``precision: exact``) or at its town's centre."""
    files = draft.files
    located: list[ResolvedPlace] = []
    for parsed in draft.places:
        country = parsed.model.country
        file = rel(parsed.path, draft.root)
        for i, place in enumerate(parsed.model.places):
            loc = ("places", i)
            who = f'place "{place.id}"'
            if place.precision == "exact":
                if place.lat is None or place.lon is None or not inside(files[country], place.lat, place.lon):
                    continue  # already reported by the content checks
                lat, lon = place.lat, place.lon
            else:
                found = gazetteer.resolve(place.city, country=country, admin1=place.admin1)
                if not found.found:
                    hint = (
                        "several towns have that name; add `admin1` (state/department)"
                        if found.ambiguous
                        else f"check the spelling or add the town to knowledge_base/towns/{country}.yml"
                    )
                    draft.reader.error(
                        parsed.path,
                        parsed.raw,
                        loc + ("city",),
                        f'{who}: town "{place.city}" not found in {country}: {hint}',
                    )
                    continue
                lat, lon = found.towns[0].lat, found.towns[0].lon
                if not inside(files[country], lat, lon):
                    draft.reader.error(
                        parsed.path, parsed.raw, loc + ("city",), f"{who}: {lat}, {lon} is not inside {country}"
                    )
                    continue
            located.append(ResolvedPlace(place=place, country=country, file=file, lat=lat, lon=lon))
    return located
