"""A live Twilio channel on a real SQLite tracker store, for every test of this folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore

from tests.unit.twilio.support import StandIn, live, make_app, make_channel


@pytest.fixture
def handler(store: SQLTrackerStore) -> StandIn:
    return StandIn(store)


@pytest.fixture
def server(db: Path, handler: StandIn) -> Iterator[str]:
    channel = make_channel(db)
    with live(make_app(channel, handler), channel) as base:
        yield base
