"""Fixtures the unit tests of both channels share: a conversation database and Rasa's store on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A fresh SQLite tracker database for one test (the channels' conversation storage)."""
    return tmp_path / "ruta.db"


@pytest.fixture
def store(db: Path) -> Any:
    """Rasa's own SQL tracker store over :func:`db`, as the channels find it when Rasa runs
    (imported here, not at the top, so tests without a channel do not load Rasa)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
