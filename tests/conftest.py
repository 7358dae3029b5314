"""Shared test helpers: the repository root and a writable copy of the knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "knowledge_base"


def country_stub(country: str) -> dict[str, Any]:
    """A country file without answers, made from the shipped one: its id, name, ISO code, menu
    order and bounding box (what the loader needs to accept its towns and places)."""
    shipped = yaml.safe_load((KB / f"{country}.yml").read_text(encoding="utf-8"))
    keys = ("country", "iso2", "menu_order", "bbox", "preferred_regions", "name")
    return {key: shipped[key] for key in keys if key in shipped} | {"topics": {}}


def shipped_countries() -> list[str]:
    """The country ids of the shipped knowledge base (its files but sources.yml and regional.yml)."""
    return sorted(p.stem for p in KB.glob("*.yml") if p.stem not in ("sources", "regional"))


@pytest.fixture(scope="session")
def kb() -> Any:
    """The shipped knowledge base, loaded once (tests that change content use ``kb_copy``)."""
    from bot.world import load

    return load(KB)


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge base that a test may edit or break."""
    target = tmp_path / "knowledge_base"
    shutil.copytree(KB, target, ignore=shutil.ignore_patterns("schema"))
    return target
