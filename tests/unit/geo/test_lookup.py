"""Where the person is and which places are nearest: towns, pins, countries, borders (``bot.geo.lookup``)."""

from __future__ import annotations

import pytest

from bot.geo.lookup import CROSS_BORDER_KM, KIND_KM, lookup
from bot.geo.reply import as_json, place_line, render
from bot.world import KnowledgeBase
from tests.unit.geo.synthetic import km


def test_tapachula_gives_the_asylum_office_in_tapachula_first(kb: KnowledgeBase) -> None:
    result = lookup(kb, "tapachula")
    assert result.status == "ok"
    first = result.hits[0]
    assert (first.place.kind, first.place.city) == ("asylum_office", "Tapachula")
    assert first.distance_km == pytest.approx(0, abs=0.01)


def test_typo_is_forgiven_and_said(kb: KnowledgeBase) -> None:
    result = lookup(kb, "tapachual")
    assert result.status == "ok" and result.fuzzy and result.origin and result.origin.name == "Tapachula"
    assert render(result, "es", kb).startswith("Lugares más cercanos a Tapachula:")


def test_serves_children_changes_the_answer(kb: KnowledgeBase) -> None:
    plain = lookup(kb, "Tapachula")
    children = lookup(kb, "Tapachula", serves="children")
    assert children.status == "ok"
    assert children.hits[0].place.id == "mx-albergue-ninez-tapachula"
    assert all("children" in h.place.serves for h in children.hits)
    assert [h.place.id for h in children.hits] != [h.place.id for h in plain.hits]


def test_serves_all_means_general_places_only(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Tapachula", serves="all", limit=10)
    assert result.hits and all("all" in h.place.serves for h in result.hits)


def test_empty_filter_says_so_and_offers_general_places(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Tapachula", serves="lgbti")
    assert result.status == "no_match_for_filter" and result.fallback
    assert all("all" in h.place.serves for h in result.hits)
    assert result.hits[0].place.id == "mx-comar-tapachula"
    es, en = render(result, "es", kb), render(result, "en", kb)
    assert "No encontré un lugar especial para personas LGBTI cerca de Tapachula" in es
    assert "no place specifically for LGBTI people near Tapachula" in en


def test_tecun_uman_gives_guatemala_first_then_the_border(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Tecun Uman", limit=5)
    assert result.status == "ok" and result.home == "guatemala"
    countries = [h.country for h in result.hits]
    assert countries[:3] == ["guatemala"] * 3
    assert result.hits[0].place.id == "gt-recepcion-tecun"
    # Tapachula's places are ~30 km away, across the Suchiate: offered after Guatemala's, labelled.
    assert countries[3:] == ["mexico", "mexico"]
    assert all(h.distance_km is not None and h.distance_km <= CROSS_BORDER_KM for h in result.hits[3:])
    assert "Tapachula, México (a unos 30 km)" in render(result, "es", kb)


def test_explicit_country_is_a_hard_filter(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Tecun Uman", country="guatemala", limit=5)
    assert {h.country for h in result.hits} == {"guatemala"}


def test_far_places_abroad_are_not_offered(kb: KnowledgeBase) -> None:
    result = lookup(kb, "San José", serves="children")
    # Costa Rica has no children's place; the ones in Mexico and Guatemala are far beyond a border crossing.
    assert result.status == "no_match_for_filter"
    assert {h.country for h in result.hits} == {"costa_rica"}


def test_ambiguous_name_asks_which(kb: KnowledgeBase) -> None:
    result = lookup(kb, "San Marcos")
    assert result.status == "ambiguous" and len(result.candidates) >= 2 and not result.hits
    text = render(result, "es", kb)
    assert text.splitlines()[0].startswith('Hay varios lugares llamados "San Marcos"')
    assert "1. San Marcos (" in text and "Guatemala)" in text and "El Salvador)" in text
    assert as_json(result) == []
    chosen = lookup(kb, "San Marcos", country="guatemala")
    assert chosen.status == "ok" and chosen.origin and chosen.origin.country == "guatemala"


def test_town_comma_state_or_country_narrows_a_shared_name(kb: KnowledgeBase) -> None:
    assert lookup(kb, "Tapachula, Chiapas").origin.name == "Tapachula"  # type: ignore[union-attr]
    for typed, country in [("San Marcos, Guatemala", "guatemala"), ("San Marcos, Ocotepeque", "honduras")]:
        result = lookup(kb, typed)
        assert result.status == "ok" and result.origin and result.origin.country == country, typed


def test_a_country_typed_as_the_town_is_a_country_question(kb: KnowledgeBase) -> None:
    # "Costa Rica" is also a village in Mexico; the person means the country.
    result = lookup(kb, "Costa Rica")
    assert result.status == "country_only" and result.home == "costa_rica"
    assert result.hits[0].place.id == "cr-dgme"
    assert lookup(kb, "honduras").status == "country_only"
    # An editor's alias for a town still wins ("guate" is Guatemala City, not the whole country).
    assert lookup(kb, "guate").status == "ok"


def test_unknown_town_is_a_status_not_a_crash(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Xyzzyville Qwerty")
    assert result.status == "unknown_town" and result.hits == []
    assert '"Xyzzyville Qwerty"' in render(result, "es", kb) and '"Xyzzyville Qwerty"' in render(result, "en", kb)


def test_location_pin(kb: KnowledgeBase) -> None:
    result = lookup(kb, lat=14.9, lon=-92.26)
    assert result.status == "ok" and result.located_by == "pin" and result.home == "mexico"
    assert result.hits[0].place.id == "mx-comar-tapachula"
    assert render(result, "en", kb).startswith("Nearest places to your location:")


def test_pin_and_exact_place_give_a_plain_distance(kb: KnowledgeBase) -> None:
    result = lookup(kb, lat=9.95, lon=-84.115)
    exact = next(h for h in result.hits if h.place.id == "cr-exacta")
    line = place_line(1, exact, result, "es")
    assert "A 2 km, en San José." in line


def test_country_only_lists_asylum_offices_national_first(kb: KnowledgeBase) -> None:
    result = lookup(kb, country="México")
    assert result.status == "country_only"
    assert [h.place.id for h in result.hits] == ["mx-comar-cdmx", "mx-comar-tenosique", "mx-comar-tapachula"]
    assert all(h.distance_km is None for h in result.hits)
    text = render(result, "es", kb)
    assert text.startswith("Oficinas de asilo en México") and "km" not in text
    assert [item["distance_km"] for item in as_json(result)] == [None, None, None]


def test_country_only_with_a_group(kb: KnowledgeBase) -> None:
    result = lookup(kb, country="guatemala", serves="children")
    assert [h.place.id for h in result.hits] == ["gt-ninez-xela"]
    fallback = lookup(kb, country="costa_rica", serves="women")
    assert fallback.status == "no_match_for_filter" and fallback.hits[0].place.id == "cr-dgme"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"lat": 14.9},
        {"town": "Tapachula", "lat": 14.9, "lon": -92.26},
        {"lat": 95.0, "lon": 0.0},
        {"town": "Tapachula", "serves": "adults"},
        {"country": "narnia"},
        {"town": "Tapachula", "limit": 0},
    ],
)
def test_impossible_requests_raise(kb: KnowledgeBase, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        lookup(kb, **kwargs)


def test_real_kb_tapachula_asylum_office_first(real_kb: KnowledgeBase) -> None:
    offices = [p for p in real_kb.places if p.place.kind == "asylum_office" and p.place.city == "Tapachula"]
    if not offices:
        pytest.skip("knowledge_base/places/mexico.yml has no asylum office in Tapachula yet")
    items = as_json(lookup(real_kb, "tapachula"))
    assert (items[0]["kind"], items[0]["city"]) == ("asylum_office", "Tapachula")


def test_real_kb_tecun_uman_gives_guatemala_near_the_border(real_kb: KnowledgeBase) -> None:
    if not any(p.country == "guatemala" for p in real_kb.places):
        pytest.skip("knowledge_base/places/guatemala.yml has no places yet")
    result = lookup(real_kb, "Tecun Uman")
    assert result.status == "ok" and result.hits[0].country == "guatemala"
    assert result.origin and result.origin.country == "guatemala"
    tecun = (result.origin.lat, result.origin.lon)
    assert km(tecun, (result.hits[0].lat, result.hits[0].lon)) < 100


def test_real_kb_serves_children_changes_the_answer(real_kb: KnowledgeBase) -> None:
    child = [p for p in real_kb.places if "children" in p.place.serves and "all" not in p.place.serves]
    if not child:
        pytest.skip("the real knowledge base has no child-specific places yet")
    town = child[0].place.city
    plain = lookup(real_kb, town, country=child[0].country)
    children = lookup(real_kb, town, country=child[0].country, serves="children")
    assert children.status == "ok" and all("children" in h.place.serves for h in children.hits)
    assert as_json(children) != as_json(plain) or all("children" in h.place.serves for h in plain.hits)


def test_real_kb_the_kind_asked_for_comes_first_when_near(real_kb: KnowledgeBase) -> None:
    plain = lookup(real_kb, "Quetzaltenango")
    shelters = lookup(real_kb, "Quetzaltenango", kinds=frozenset({"shelter"}))
    assert plain.hits[0].place.kind != "shelter"  # the nearest place is not a shelter
    first = shelters.hits[0]
    assert first.place.kind == "shelter" and "all" in first.place.serves
    assert first.distance_km is not None and first.distance_km <= KIND_KM
    # a kind with no general place near: the nearest places as before (a children's shelter does
    # not lead for someone who did not say a child is asking)
    assert as_json(lookup(real_kb, "Tapachula", kinds=frozenset({"shelter"}))) == as_json(lookup(real_kb, "Tapachula"))
    # a country only: its places of that kind first
    country = lookup(real_kb, country="guatemala", kinds=frozenset({"shelter"}))
    assert country.hits and all(h.place.kind == "shelter" for h in country.hits)
