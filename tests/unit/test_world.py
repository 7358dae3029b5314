"""The knowledge base with its map (``bot.world``): content joined with the gazetteer, every place placed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.geo.nearest import nearest_town
from bot.geo.places import ResolvedPlace
from bot.kb import loader
from bot.kb.loader import KBError
from bot.world import KnowledgeBase, load
from tests.conftest import KB


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    return load(KB)


def test_real_kb_places_resolve_to_their_country(real_kb: KnowledgeBase) -> None:
    assert real_kb.places
    for rp in real_kb.places:
        assert isinstance(rp, ResolvedPlace)
        town, _ = nearest_town(real_kb.gazetteer, rp.lat, rp.lon)  # type: ignore[misc]
        assert town.country == rp.country, rp.place.id


def test_content_loads_without_the_map_and_the_world_adds_it(real_kb: KnowledgeBase) -> None:
    content = loader.load(KB)
    assert not hasattr(content, "gazetteer")
    assert [p.place.id for p in content.places] == [p.place.id for p in real_kb.places]
    assert content.country_ids == real_kb.country_ids


def test_content_and_map_problems_are_reported_together(kb_copy: Path) -> None:
    places = kb_copy / "places" / "mexico.yml"
    text = re.sub(r'city: "?Tenosique"?', 'city: "Zzyzxville"', places.read_text(encoding="utf-8"), count=1)
    places.write_text(text, encoding="utf-8")
    country = kb_copy / "belize.yml"
    country.write_text(
        country.read_text(encoding="utf-8").replace("menu_order: 2", "menu_order: 1", 1), encoding="utf-8"
    )
    with pytest.raises(KBError) as content_only:
        loader.load(kb_copy)
    assert "menu_order 1 is also" in str(content_only.value) and "Zzyzxville" not in str(content_only.value)
    with pytest.raises(KBError) as whole:
        load(kb_copy)
    assert "menu_order 1 is also" in str(whole.value)
    assert 'town "Zzyzxville" not found in mexico' in str(whole.value)


def test_the_store_prepares_new_content_before_it_serves_and_a_failing_preparation_does_not_block_it(
    kb_copy: Path,
) -> None:
    from bot.world.store import KnowledgeStore

    prepared: list[object] = []
    store = KnowledgeStore(kb_copy, prepare=prepared.append)
    assert prepared == [store.kb]

    def broken(_kb: object) -> None:
        raise RuntimeError("matcher failed")

    failing = KnowledgeStore(kb_copy, prepare=broken)
    assert failing.kb.countries  # served anyway: the matchers are built on first use instead
