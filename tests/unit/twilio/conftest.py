"""A live Twilio channel on a real SQLite tracker store, for every test of this folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from tests.unit.twilio.support import StandIn, live, make_app, make_channel


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ruta.db"


@pytest.fixture
def store(db: Path) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))


@pytest.fixture
def handler(store: SQLTrackerStore) -> StandIn:
    return StandIn(store)


@pytest.fixture
def server(db: Path, handler: StandIn) -> Iterator[str]:
    channel = make_channel(db)
    with live(make_app(channel, handler), channel) as base:
        yield base
