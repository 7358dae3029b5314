"""Town names people type, resolved by the gazetteer with the editors' supplement (``bot.geo.gazetteer``)."""

from __future__ import annotations

import pytest

from bot.world import KnowledgeBase
from tests.unit.geo.synthetic import km

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
