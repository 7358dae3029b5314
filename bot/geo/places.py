"""What geography reads from a knowledge base: places with coordinates, towns, countries.

``bot.world`` builds the knowledge base these come from; geography only reads it through
:class:`Geography`, so ``bot.geo`` never imports the module that assembles it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.geo.gazetteer import Gazetteer
from bot.kb.loader import ListedPlace
from bot.kb.models import CountryFile, SourceDoc


@dataclass
class ResolvedPlace(ListedPlace):
    """A place with the coordinates it is searched by (its own, or its town's)."""

    lat: float
    lon: float


class Geography(Protocol):
    """A knowledge base with its map (``bot.world.KnowledgeBase`` is one)."""

    @property
    def countries(self) -> Mapping[str, CountryFile]: ...

    @property
    def sources(self) -> Mapping[str, SourceDoc]: ...

    @property
    def places(self) -> Sequence[ResolvedPlace]: ...

    @property
    def gazetteer(self) -> Gazetteer: ...

    @property
    def country_ids(self) -> tuple[str, ...]: ...

    def country_aliases(self) -> dict[str, str]: ...
