"""The spatial index of places: exact k-nearest per filter, ties, fallbacks (``bot.geo.nearest``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.geo.nearest import PlaceIndex, index_for, nearest_town
from bot.world import KnowledgeBase, load
from tests.unit.geo.synthetic import SYNTHETIC, km, write_kb


def test_balltree_matches_brute_force(kb: KnowledgeBase) -> None:
    rng = np.random.default_rng(3)
    index = index_for(kb)
    coords = np.array([(p.lat, p.lon) for p in index.places])
    for lat, lon in zip(rng.uniform(7, 20, 25), rng.uniform(-100, -78, 25), strict=True):
        hits = index.query(float(lat), float(lon), limit=len(index))
        brute = sorted(km((lat, lon), tuple(c)) for c in coords)
        assert [h.distance_km for h in hits] == pytest.approx(brute, abs=1e-6)


def test_index_is_built_once_per_knowledge_base(kb: KnowledgeBase, tmp_path: Path) -> None:
    assert index_for(kb) is index_for(kb)
    other = load(write_kb(tmp_path / "other", {"mexico": SYNTHETIC["mexico"][:1]}))
    assert index_for(other) is not index_for(kb)
    assert len(index_for(other)) == 1


def test_ties_in_one_town_put_the_asylum_office_first(kb: KnowledgeBase) -> None:
    tapachula = kb.gazetteer.resolve("Tapachula").towns[0]
    hits = index_for(kb).query(tapachula.lat, tapachula.lon, limit=1)
    assert hits[0].place.id == "mx-comar-tapachula"
    hits = index_for(kb).query(tapachula.lat, tapachula.lon, limit=3)
    assert [h.place.id for h in hits] == ["mx-comar-tapachula", "mx-legal-tapachula", "mx-albergue-ninez-tapachula"]


def test_a_place_for_all_is_not_child_specific(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    hits = index.query(14.9, -92.26, limit=10, serves="children")
    assert hits and all("children" in h.place.serves and not h.fallback for h in hits)
    assert "mx-comar-tapachula" not in {h.place.id for h in hits}


def test_query_falls_back_to_general_places_flagged(kb: KnowledgeBase) -> None:
    hits = index_for(kb).query(14.9, -92.26, limit=3, serves="lgbti")
    assert hits and all(h.fallback and "all" in h.place.serves for h in hits)


def test_query_country_filter_and_unknown_group(kb: KnowledgeBase) -> None:
    hits = index_for(kb).query(14.9, -92.26, limit=10, country="costa_rica")
    assert {h.country for h in hits} == {"costa_rica"}
    with pytest.raises(ValueError):
        index_for(kb).query(14.9, -92.26, serves="adults")


def test_empty_index() -> None:
    assert PlaceIndex([]).query(14.9, -92.26) == []


def test_pin_finds_its_town(kb: KnowledgeBase) -> None:
    town, distance = nearest_town(kb.gazetteer, 14.905, -92.259)  # type: ignore[misc]
    assert town.name == "Tapachula" and distance < 1
