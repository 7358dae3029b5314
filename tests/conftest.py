"""Shared test helpers: the repository root and a writable copy of the knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "knowledge_base"


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge base that a test may edit or break."""
    target = tmp_path / "knowledge_base"
    shutil.copytree(KB, target, ignore=shutil.ignore_patterns("schema"))
    return target
