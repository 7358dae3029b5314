"""An eighth country is content, not code: its files alone put it in the menu, the map and the emergency line.

The country here is fictional ("Ficticia", ISO code XF, user-assigned, so no packaged town has
it), written into a temporary copy of the knowledge base with its own emergency number, two towns
and one place. Nothing in ``bot/`` is changed for it; every check goes through the real loader,
menus, lookup, dialogue and fallback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import menus
from bot.__main__ import main
from bot.dialogue import Dialogue, State, Turn
from bot.fallback import Fallback
from bot.geo.lookup import lookup
from bot.world import KnowledgeBase, load

NUMBER = "1-2-3"
SOURCE = {"id": "xf-test", "where": "test fixture"}


def _text(es: str, en: str) -> dict[str, str]:
    return {"es": es, "en": en}


def add_ficticia(root: Path) -> None:
    """Four files, as an editor would add them: the country, its sources inline, towns, places."""
    country = {
        "country": "ficticia",
        "iso2": "XF",
        "menu_order": 8,
        "bbox": {"min_lat": 1.0, "max_lat": 3.0, "min_lon": -101.0, "max_lon": -99.0},
        "name": _text("Ficticia", "Fictitia"),
        "aliases": ["ficticio", "ficticia", "fictitian"],
        "emergency": {"number": NUMBER, "label": _text("Emergencias", "Emergencies"), "source": SOURCE},
        "sources": [
            {"id": "xf-test", "title": "Test fixture", "short": "Fixture", "publisher": "Ruta tests", "year": 2026}
        ],
        "topics": {
            "emergency": {
                "summary": _text("En Ficticia llama al 1-2-3.", "In Fictitia call 1-2-3."),
                "sources": [SOURCE],
                "last_reviewed": "2026-01-01",
            }
        },
    }
    towns = {
        "towns": [
            {"name": "Puerto Ficticio", "country": "ficticia", "lat": 2.1, "lon": -100.2, "source": "test fixture"},
            {"name": "Villa Prueba", "country": "ficticia", "lat": 1.6, "lon": -99.7, "source": "test fixture"},
        ]
    }
    places = {
        "country": "ficticia",
        "places": [
            {
                "id": "xf-oficina-asilo",
                "name": "Oficina de asilo de Puerto Ficticio",
                "kind": "asylum_office",
                "does": _text("(2026) Recibe solicitudes de asilo.", "(2026) Receives asylum claims."),
                "serves": ["all"],
                "city": "Puerto Ficticio",
                "precision": "city",
                "sources": [SOURCE],
                "last_reviewed": "2026-01-01",
            }
        ],
    }
    for path, body in (
        (root / "ficticia.yml", country),
        (root / "towns" / "ficticia.yml", towns),
        (root / "places" / "ficticia.yml", places),
    ):
        path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")  # JSON is YAML


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import KB

    target = tmp_path_factory.mktemp("eighth") / "knowledge_base"
    shutil.copytree(KB, target, ignore=shutil.ignore_patterns("schema"))
    add_ficticia(target)
    return target


@pytest.fixture(scope="module")
def kb(root: Path) -> KnowledgeBase:
    return load(root)


def test_kb_validate_accepts_the_new_country(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "validate", str(root)]) == 0
    assert "OK: 9 files" in capsys.readouterr().out


def test_the_country_menu_lists_it_last_under_its_own_name(kb: KnowledgeBase) -> None:
    menu = menus.country_menu(kb)
    assert menu.options[-1] == "ficticia" and len(menu.options) == 8
    assert "8 Ficticia" in menus.message(menu, "es", kb)["text"]
    assert "8 Fictitia" in menus.message(menu, "en", kb)["text"]


def test_a_lookup_in_one_of_its_towns_finds_its_place(kb: KnowledgeBase) -> None:
    for town in ("Puerto Ficticio", "villa prueba"):
        result = lookup(kb, town=town)
        assert result.status == "ok" and result.home == "ficticia"
        assert result.hits[0].place.id == "xf-oficina-asilo"


def test_a_pin_inside_its_box_is_in_the_country(kb: KnowledgeBase) -> None:
    result = lookup(kb, lat=2.0, lon=-100.0)
    assert result.home == "ficticia" and result.hits[0].place.id == "xf-oficina-asilo"


def test_the_emergency_fallback_names_its_number(kb: KnowledgeBase, root: Path) -> None:
    dialogue = Dialogue(kb)
    assert f"Ficticia {NUMBER}" in dialogue.emergency_numbers("es")
    assert f"Fictitia {NUMBER}" in dialogue.emergency_numbers("en")
    assert f"{NUMBER} en Ficticia" in Fallback(root).text()  # the channels' fallback, from the files


def test_a_conversation_there_gets_its_emergency_line(kb: KnowledgeBase) -> None:
    state = State.from_slots({"language": "es", "country": "ficticia"}, countries=kb.country_ids)
    assert state.country == "ficticia"
    reply = Dialogue(kb).respond(state, Turn("", "emergencia, me quieren matar"))
    assert NUMBER in reply.messages[0]["text"]


def test_picking_it_from_the_menu_sets_the_country(kb: KnowledgeBase) -> None:
    dialogue = Dialogue(kb)
    asked = dialogue.respond(State(), Turn("", "cambiar de país"))
    state = State(menu=asked.slots.get("menu"), awaiting="country")
    reply = dialogue.respond(state, Turn("", "8"))
    assert reply.slots.get("country") == "ficticia"
    assert "Ficticia" in "\n".join(m["text"] for m in reply.messages)
