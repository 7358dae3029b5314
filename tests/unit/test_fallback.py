"""The fallback text: emergency numbers from the country files, the last good ones kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.fallback import Fallback, Number, render


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge_base"
    root.mkdir()
    for path in ROOT.joinpath("knowledge_base").glob("*.yml"):
        shutil.copy(path, root / path.name)
    return root


def test_the_shipped_content_gives_911_with_guatemalas_110() -> None:
    text = Fallback(ROOT / "knowledge_base").text()
    spanish, english = text.split("\n")
    assert spanish.startswith("Ruta no puede responder ahora") and "llama al 911 (110 en Guatemala)" in spanish
    assert english.startswith("Ruta cannot answer right now") and "call 911 (110 in Guatemala)" in english


def test_numbers_are_grouped_most_common_first() -> None:
    numbers = [
        Number("a", "911", "A", "A"),
        Number("b", "110", "Be", "Bee"),
        Number("c", "911", "C", "C"),
        Number("d", "112", "De", "Dee"),
    ]
    text = render(numbers)
    assert "llama al 911 (110 en Be, 112 en De)." in text and "call 911 (110 in Bee, 112 in Dee)." in text
    assert "llama al 911." in render([Number("a", "911", "A", "A")])


def test_without_any_number_it_invents_none() -> None:
    text = render([])
    assert "número de emergencias del país" in text and not any(ch.isdigit() for ch in text)


def test_a_deleted_or_broken_file_keeps_its_last_good_number(kb: Path) -> None:
    fallback = Fallback(kb, check_every=0)
    assert "110 en Guatemala" in fallback.text()
    (kb / "guatemala.yml").unlink()
    assert "110 en Guatemala" in fallback.text()
    (kb / "guatemala.yml").write_text("country: guatemala\nname: [broken\n", encoding="utf-8")
    assert "110 en Guatemala" in fallback.text()


def test_an_edited_number_is_used_once_the_file_is_valid(kb: Path) -> None:
    fallback = Fallback(kb, check_every=0)
    path = kb / "belize.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('number: "911"', 'number: "90"', 1), encoding="utf-8")
    assert "90 en Belice" in fallback.text() or "90 en Belize" in fallback.text()


def test_files_are_read_again_only_after_the_interval(kb: Path) -> None:
    fallback = Fallback(kb, check_every=3600)
    path = kb / "belize.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('number: "911"', 'number: "90"', 1), encoding="utf-8")
    assert "90 en" not in fallback.text()
    fallback.refresh()
    assert "90 en" in fallback.text()
