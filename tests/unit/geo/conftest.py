"""The geography tests' knowledge bases: one synthetic (built once per run) and the shipped one."""

from __future__ import annotations

import pytest

from bot.kb.loader import KBError
from bot.world import KnowledgeBase, load
from tests.conftest import KB
from tests.unit.geo.synthetic import SYNTHETIC, write_kb


@pytest.fixture(scope="session")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(write_kb(tmp_path_factory.mktemp("kb"), SYNTHETIC))


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    """The shipped knowledge base; its tests skip, saying why, while it does not load."""
    try:
        return load(KB)
    except KBError as exc:
        pytest.skip(
            f"the real knowledge base does not load yet ({len(exc.issues)} error(s)); run `python -m bot kb validate`"
        )
