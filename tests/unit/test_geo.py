"""Nearest places: gazetteer spellings, the spatial index, filters, replies, JSON and the CLI.

Most tests run on small knowledge bases written to ``tmp_path`` (places chosen to exercise one
rule each) that use the project's real town supplement (``knowledge_base/towns``), so they do not
depend on what the content writers have finished. The ``real_kb`` tests at the end check the
issue's "done when" criteria on the real knowledge base and skip, saying why, while it does not
load or lacks the data a criterion needs.

Run: .venv/bin/python -m pytest tests/unit/test_geo.py
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.__main__ import _nearest as nearest_command
from bot.config import Settings
from bot.geo.lookup import CROSS_BORDER_KM, LookupResult, lookup
from bot.geo.nearest import Hit, PlaceIndex, index_for, nearest_town
from bot.geo.places import ResolvedPlace
from bot.geo.reply import SMS_CHARS, as_json, is_warning, place_line, render, source_year
from bot.kb.loader import KBError
from bot.kb.models import Place
from bot.world import KnowledgeBase, load
from tests.conftest import country_stub, shipped_countries

REAL_KB = Path(__file__).resolve().parents[2] / "knowledge_base"
JSON_KEYS = {"name", "kind", "city", "country", "distance_km", "precision", "serves"}


# --------------------------------------------------------------------------- synthetic KBs


def _place(pid: str, city: str, kind: str = "help_point", serves: tuple[str, ...] = ("all",), **extra: Any) -> dict:
    place = {
        "id": pid,
        "name": extra.pop("name", pid.replace("-", " ").title()),
        "kind": kind,
        "does": extra.pop("does", {"es": "Ayuda a personas migrantes.", "en": "Helps migrants."}),
        "serves": list(serves),
        "city": city,
        "precision": "city",
        "sources": [{"id": "test-src", "where": "synthetic test data"}],
        "last_reviewed": "2026-01-01",
    }
    place.update(extra)
    return place


def write_kb(root: Path, places: dict[str, list[dict]]) -> Path:
    """A minimal valid knowledge base: sources.yml, the real towns supplement, places/<country>.yml.
    JSON is valid YAML, so the files are written with ``json.dumps``."""
    root.mkdir(parents=True, exist_ok=True)
    sources = {
        "sources": [{"id": "test-src", "title": "Test", "short": "Test", "publisher": "Ruta tests", "year": 2026}]
    }
    (root / "sources.yml").write_text(json.dumps(sources), encoding="utf-8")
    for country in shipped_countries():
        (root / f"{country}.yml").write_text(json.dumps(country_stub(country), ensure_ascii=False), encoding="utf-8")
    if (REAL_KB / "towns").is_dir():
        shutil.copytree(REAL_KB / "towns", root / "towns", dirs_exist_ok=True)
    (root / "places").mkdir(exist_ok=True)
    for country, items in places.items():
        body = {"country": country, "places": items}
        (root / "places" / f"{country}.yml").write_text(
            json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return root


LONG_DOES = {
    "es": "Recibe solicitudes de asilo. En 2017 era la oficina con más solicitudes del país y daba citas "
    "para entrevistas, constancias y orientación sobre trámites migratorios a quien lo pidiera.",
    "en": "Receives asylum applications. In 2017 it was the office with the most applications in the country "
    "and gave interview appointments, certificates and guidance on migration procedures to anyone who asked.",
}

SYNTHETIC = {
    "mexico": [
        _place(
            "mx-albergue-ninez-tapachula", "Tapachula", "shelter", ("children",), name="Albergue para niñez Tapachula"
        ),
        _place(
            "mx-comar-tapachula",
            "Tapachula",
            "asylum_office",
            name="COMAR Tapachula",
            does=LONG_DOES,
            phone="962 000 0000",
        ),
        _place("mx-legal-tapachula", "Tapachula", "legal_aid", name="Clínica legal Tapachula"),
        _place("mx-comar-cdmx", "Ciudad de México", "asylum_office", name="COMAR CDMX"),
        _place("mx-comar-tenosique", "Tenosique", "asylum_office", name="COMAR Tenosique"),
        _place("mx-familias-cdmx", "Ciudad de México", "shelter", ("families",), name="Casa para familias CDMX"),
    ],
    "guatemala": [
        _place("gt-recepcion-tecun", "Tecún Umán", "returnee_centre", ("returnees",), name="Recepción Tecún Umán"),
        _place("gt-ninez-xela", "Quetzaltenango", "child_protection", ("children",), name="Niñez Quetzaltenango"),
        _place("gt-igm", "Ciudad de Guatemala", "asylum_office", name="IGM asilo"),
    ],
    "costa_rica": [
        _place("cr-dgme", "San José", "asylum_office", name="DGME Refugio"),
        _place("cr-enlace-paso-canoas", "Paso Canoas", "border_point", name="Enlace Paso Canoas"),
        _place(
            "cr-exacta",
            "San José",
            "help_point",
            name="Punto exacto San José",
            precision="exact",
            lat=9.95,
            lon=-84.10,
            coordinates_source="synthetic test point",
        ),
    ],
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(write_kb(tmp_path_factory.mktemp("kb"), SYNTHETIC))


@pytest.fixture(scope="module")
def real_kb() -> KnowledgeBase:
    try:
        return load(REAL_KB)
    except KBError as exc:
        pytest.skip(
            f"the real knowledge base does not load yet ({len(exc.issues)} error(s)); run `python -m bot kb validate`"
        )


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --------------------------------------------------------------------------- gazetteer + supplement

MUST_RESOLVE = [
    ("Tapachula", "mexico"),
    ("Tecún Umán", "guatemala"),
    ("Ciudad Hidalgo", "mexico"),
    ("Tenosique", "mexico"),
    ("Paso Canoas", "costa_rica"),
    ("Peñas Blancas", "costa_rica"),
    ("Los Chiles", "costa_rica"),
    ("Las Tablillas", "costa_rica"),
    ("La Mesilla", "guatemala"),
    ("Ciudad Cuauhtémoc", "mexico"),
    ("Metetí", "panama"),
    ("Yaviza", "panama"),
    ("San Pedro Sula", "honduras"),
    ("Tegucigalpa", "honduras"),
    ("Guatemala City", "guatemala"),
    ("San Salvador", "el_salvador"),
    ("Panama City", "panama"),
    ("San José", "costa_rica"),
    ("Belmopan", "belize"),
    ("Ciudad de México", "mexico"),
]


@pytest.mark.parametrize(("name", "country"), MUST_RESOLVE)
def test_border_and_transit_towns_resolve(kb: KnowledgeBase, name: str, country: str) -> None:
    found = kb.gazetteer.resolve(name)
    assert found.found, f"{name}: {[t.label() for t in found.towns] or 'not found'}"
    assert found.towns[0].country == country
    assert not found.fuzzy


@pytest.mark.parametrize(
    ("typed", "same_place_as", "country"),
    [
        ("tapachual", "Tapachula", "mexico"),
        ("tecun uman", "Ayutla", "guatemala"),
        ("Ciudad Tecun Uman", "Ayutla", "guatemala"),
        ("san pedro zula", "San Pedro Sula", "honduras"),
        ("ciudad de guatemala", "Guatemala City", "guatemala"),
        ("guate", "Guatemala City", "guatemala"),
        ("sps", "San Pedro Sula", "honduras"),
        ("tegus", "Tegucigalpa", "honduras"),
        ("comayagüela", "Tegucigalpa", "honduras"),
        ("df", "Mexico City", "mexico"),
        ("cdmx", "Mexico City", "mexico"),
        ("ciudad de mexico", "Mexico City", "mexico"),
        ("xela", "Quetzaltenango", "guatemala"),
        ("paseo canoas", "Canoas", "costa_rica"),
        ("penas blancas", "La Cruz", "costa_rica"),
        ("ocotepeque", "Nueva Ocotepeque", "honduras"),
    ],
)
def test_spellings_people_type(kb: KnowledgeBase, typed: str, same_place_as: str, country: str) -> None:
    found = kb.gazetteer.resolve(typed)
    assert found.found, typed
    town = found.towns[0]
    reference = kb.gazetteer.resolve(same_place_as, country=country).towns[0]
    assert town.country == country
    assert km((town.lat, town.lon), (reference.lat, reference.lon)) < 1.0


def test_tecun_uman_is_on_the_suchiate_facing_ciudad_hidalgo(kb: KnowledgeBase) -> None:
    tecun = kb.gazetteer.resolve("Tecún Umán").towns[0]
    hidalgo = kb.gazetteer.resolve("Ciudad Hidalgo", country="mexico").towns[0]
    assert km((tecun.lat, tecun.lon), (hidalgo.lat, hidalgo.lon)) < 5


def test_ciudad_cuauhtemoc_is_the_chiapas_border_town_not_chihuahua(kb: KnowledgeBase) -> None:
    town = kb.gazetteer.resolve("ciudad cuauhtemoc").towns[0]
    mesilla = kb.gazetteer.resolve("La Mesilla").towns[0]
    assert town.admin1 == "Chiapas"
    assert km((town.lat, town.lon), (mesilla.lat, mesilla.lon)) < 30


# --------------------------------------------------------------------------- the index itself


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


# --------------------------------------------------------------------------- lookup


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


# --------------------------------------------------------------------------- replies and JSON


def test_json_shape(kb: KnowledgeBase) -> None:
    items = as_json(lookup(kb, "tapachula"))
    assert items and json.loads(json.dumps(items)) == items
    for item in items:
        assert set(item) == JSON_KEYS
        assert isinstance(item["distance_km"], float) and item["distance_km"] == round(item["distance_km"], 1)
        assert item["precision"] in ("exact", "city") and isinstance(item["serves"], list)
    assert items[0] == {
        "name": "COMAR Tapachula",
        "kind": "asylum_office",
        "city": "Tapachula",
        "country": "mexico",
        "distance_km": 0.0,
        "precision": "city",
        "serves": ["all"],
    }


@pytest.mark.parametrize("lang", ["es", "en"])
def test_each_place_fits_one_sms_and_shows_only_real_contacts(kb: KnowledgeBase, lang: str) -> None:
    result = lookup(kb, "Tapachula")
    lines = render(result, lang, kb).splitlines()[1:]  # type: ignore[arg-type]
    assert len(lines) == 3
    assert all(len(line) <= SMS_CHARS for line in lines), [len(line) for line in lines]
    assert "Tel. 962 000 0000" in lines[0]
    assert all("Tel." not in line for line in lines[1:])
    assert "Tapachula" in lines[0] and "km" not in lines[0]  # city precision, same town: no distance


def test_city_precision_from_another_town_says_about(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Ciudad Hidalgo")
    text = render(result, "en", kb)
    assert "In Tapachula (about 25 km away)." in text  # 27 km, rounded to 5


def test_specific_places_say_who_they_are_for(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Tapachula", serves="children")
    assert "Para niñas y niños." in render(result, "es", kb) and "For children." in render(result, "en", kb)


# The review's P1 cases: a place line must keep how current it is and its warnings.
PLAN_DOES = {
    "es": "Oficina regional de Migración. En 2017 había un plan (2018-2020) para que aquí dieran citas de "
    "entrevista de refugio y documentos. Confirma antes de ir.",
    "en": "Regional Migration office. In 2017 there was a plan (2018-2020) for it to give refugee interview "
    "appointments and documents. Check before you go.",
}
CLOSED_DOES = {
    "es": "En 2020, recibía a personas deportadas que llegan por tierra desde México. Daba información, atención "
    "psicológica y apoyo para emprender. Durante el Covid-19 (2020) se informó que cerró; confirma si está abierto.",
    "en": "In 2020, it received people deported by land from Mexico. It gave information, psychological care and "
    "help to start a business. During Covid-19 (2020) it was reported closed; check whether it is open.",
}
UNDATED_DOES = {
    "es": "Oficina nacional de asilo. Recibe solicitudes, da constancias y orienta sobre los trámites migratorios "
    "a quien lo pida en la ventanilla.",
    "en": "National asylum office. It receives applications, gives certificates and guides anyone who asks at "
    "the counter through migration procedures.",
}


def _line(does: dict, lang: str, year: int | None = None, **extra: Any) -> str:
    """One place 255 km from a typed town (a long distance label), rendered as the bot would."""
    place = Place.parse_obj(
        _place(
            "cr-upala",
            "Upala",
            "asylum_office",
            name=extra.pop("name", "DGME – oficina de Migración en Upala"),
            does=does,
            **extra,
        )
    )
    hit = Hit(place, "costa_rica", 255.0, 10.9, -85.0)
    result = LookupResult("ok", [hit], located_by="town", home="costa_rica")
    return place_line(1, hit, result, lang, year=year)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_plan_keeps_its_year_and_check_first(lang: str) -> None:
    line = _line(PLAN_DOES, lang)
    assert "2017" in line and ("Confirma antes de ir." in line if lang == "es" else "Check before you go." in line)
    assert "plan (2018-2020)" in line, line  # a plan is a warning: never shown as today's service


@pytest.mark.parametrize("lang", ["es", "en"])
def test_reported_closed_survives_a_long_name_and_contacts(lang: str) -> None:
    line = _line(CLOSED_DOES, lang, name="CAMR – Centro de Atención al Migrante Retornado, Omoa", phone="2222 0000")
    closed = "se informó que cerró; confirma si está abierto." if lang == "es" else "it was reported closed; check"
    assert closed in line and "2020" in line and "Tel. 2222 0000" in line, line


@pytest.mark.parametrize("lang", ["es", "en"])
def test_undated_text_shows_the_newest_source_year(lang: str) -> None:
    line = _line(UNDATED_DOES, lang, year=2024)
    assert "(2024) " in line and len(line) <= SMS_CHARS, line
    # Without a source year and without a year in the text there is nothing honest to show.
    assert not re.search(r"\([0-9]{4}\)", _line(UNDATED_DOES, lang))


def test_an_editors_year_tag_wins_and_survives_cutting() -> None:
    does = {"es": "(2017, plan) " + UNDATED_DOES["es"] * 2, "en": "(2017, plan) " + UNDATED_DOES["en"] * 2}
    for lang in ("es", "en"):
        line = _line(does, lang, year=2024)
        assert "(2017, plan) " in line and "2024" not in line and len(line) <= SMS_CHARS, line


def test_a_dated_text_that_fits_is_not_given_a_second_year() -> None:
    does = {"es": "En 2017 recibía a niñas y niños solos.", "en": "In 2017 it received children on their own."}
    assert _line(does, "es", year=2017).count("2017") == 1
    assert "(2020) In 2017" in _line(does, "en", year=2020)  # a newer source: say how current the line is


def test_year_from_the_text_when_no_knowledge_base_is_passed(kb: KnowledgeBase) -> None:
    result = lookup(kb, "Tapachula")
    es = place_line(1, result.hits[0], result, "es")
    assert es.startswith("1. COMAR Tapachula:") and "2017" in es  # the LONG_DOES text's own year
    with_kb = render(result, "es", kb).splitlines()[1]
    assert "(2026)" in with_kb and "2017" not in with_kb  # the synthetic source is from 2026


def test_warning_words() -> None:
    for sentence in (
        "Confirma antes de ir.",
        "Se informó que cerró.",
        "Había un plan.",
        "Check first.",
        "It was reported closed.",
        "Ya no atiende aquí.",
        "Verifica si está abierto.",
    ):
        assert is_warning(sentence), sentence
    for sentence in ("Recibe solicitudes de asilo.", "Ministerio de Planificación.", "It checks nothing"[:9]):
        assert not is_warning(sentence), sentence


# --------------------------------------------------------------------------- CLI


def _args(town: str | None = None, **kw: Any) -> argparse.Namespace:
    base = {
        "town": town,
        "lat": None,
        "lon": None,
        "country": None,
        "serves": None,
        "limit": 3,
        "lang": "es",
        "json": False,
    }
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.fixture(scope="module")
def settings(kb: KnowledgeBase) -> Settings:
    return dataclasses.replace(Settings.from_env(), kb_path=kb.root)


def test_cli_json(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert nearest_command(_args("tapachula", json=True), settings) == 0
    items = json.loads(capsys.readouterr().out)
    assert items[0]["kind"] == "asylum_office" and items[0]["city"] == "Tapachula"
    assert nearest_command(_args(lat=14.9, lon=-92.26, json=True), settings) == 0
    assert set(json.loads(capsys.readouterr().out)[0]) == JSON_KEYS


def test_cli_text_and_exit_codes(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert nearest_command(_args("Tapachula", serves="children"), settings) == 0
    assert "Albergue para niñez Tapachula" in capsys.readouterr().out.splitlines()[1]
    assert nearest_command(_args("San Marcos"), settings) == 1
    assert "2. San Marcos" in capsys.readouterr().out
    assert nearest_command(_args("Xyzzyville Qwerty"), settings) == 1
    assert '"Xyzzyville Qwerty"' in capsys.readouterr().out
    assert nearest_command(_args("San Marcos", json=True), settings) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and "San Marcos" in captured.err
    assert nearest_command(_args("Tapachula", lat=1.0, lon=1.0), settings) == 2


def test_cli_main_wiring(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("RUTA_KB_PATH", str(settings.kb_path))
    assert main(["nearest", "Tecun Uman", "--serves", "children", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nearest places to Tecún Umán:")


# --------------------------------------------------------------------------- the real knowledge base


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


def test_real_kb_every_place_line_shows_its_year_and_warnings(real_kb: KnowledgeBase) -> None:
    """Each place, 255 km from a typed town (a long distance label), as the bot renders it: a year
    (the text's tag or the newest source), every warning sentence whole, and 160 characters unless
    the year, the warnings, the name, the place and the contacts alone are longer."""
    for rp in real_kb.places:
        hit = Hit(rp.place, rp.country, 255.0, rp.lat, rp.lon)
        result = LookupResult("ok", [hit], located_by="town", home=rp.country)
        year = source_year(real_kb, rp.place)
        for lang in ("es", "en"):
            line = place_line(1, hit, result, lang, year=year)  # type: ignore[arg-type]
            does = getattr(rp.place.does, lang)
            tag = re.match(r"^\([^)]*\)", does)
            assert (tag.group(0) if tag else str(year)) in line, f"{rp.place.id} ({lang}) shows no year: {line}"
            sentences = re.split(r"(?<=[.!?])\s+", does[tag.end() :] if tag else does)
            for warning in filter(is_warning, sentences):
                assert warning in line, f"{rp.place.id} ({lang}) lost a warning: {line}"
            if len(line) > SMS_CHARS:  # then only what must stay is left of the "what it does" text
                others = [s for s in sentences if not is_warning(s) and s in line]
                assert not others and "..." not in line, f"{rp.place.id} ({lang}) is {len(line)} characters: {line}"


def test_real_kb_places_resolve_to_their_country(real_kb: KnowledgeBase) -> None:
    for rp in real_kb.places:
        assert isinstance(rp, ResolvedPlace)
        town, _ = nearest_town(real_kb.gazetteer, rp.lat, rp.lon)  # type: ignore[misc]
        assert town.country == rp.country, rp.place.id
