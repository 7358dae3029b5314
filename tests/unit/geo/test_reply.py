"""Place lists as replies: one SMS screen per place, years and warnings kept, JSON (``bot.geo.reply``)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.geo.lookup import LookupResult, lookup
from bot.geo.nearest import Hit
from bot.geo.reply import SMS_CHARS, as_json, is_warning, place_line, render, source_year
from bot.kb.models import Place
from bot.world import KnowledgeBase
from tests.unit.geo.synthetic import JSON_KEYS, _place


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
