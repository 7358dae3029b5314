"""A tree that lost a country file is refused, naming the file; the last good content keeps serving."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.kb.loader import KBError
from bot.world import load_complete
from bot.world.store import KnowledgeStore


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge_base"
    shutil.copytree(ROOT / "knowledge_base", root, ignore=shutil.ignore_patterns("schema"))
    return root


def test_a_deleted_country_file_is_refused_live_and_the_old_one_keeps_serving(kb: Path) -> None:
    store = KnowledgeStore(kb)
    assert store.kb.countries["guatemala"].emergency.number == "110"
    (kb / "guatemala.yml").unlink()
    assert store.reload() is False
    assert store.last_error is not None
    message = str(store.last_error)
    assert "knowledge_base/guatemala.yml:1 is missing" in message and "served until now" in message
    assert store.kb.countries["guatemala"].emergency.number == "110"


def test_a_country_its_places_refer_to_is_required_at_start_too(kb: Path) -> None:
    (kb / "guatemala.yml").unlink()
    with pytest.raises(KBError, match=r"guatemala\.yml:1 is missing, but places/guatemala\.yml"):
        load_complete(kb)


def test_a_country_removed_with_its_places_and_towns_is_accepted_after_a_restart(kb: Path) -> None:
    for path in (kb / "belize.yml", kb / "places" / "belize.yml", kb / "towns" / "belize.yml"):
        path.unlink(missing_ok=True)
    try:
        loaded = load_complete(kb)
    except KBError as exc:  # other files may cite Belize's sources or towns: then it is not removable yet
        assert "belize.yml:1 is missing" not in str(exc)
    else:
        assert "belize" not in loaded.countries
