"""Nearest places: a haversine BallTree over the knowledge-base places.

Why a BallTree (scikit-learn) and not a loop: the knowledge base is small today, but the action
server answers every "where is the nearest office?" from it, and the same code must stay fast if
help points are imported by the thousand (target ≤ 1 ms a query at 50,000 points, see
``bench/nearest_bench.py``). One tree is built per filter (who is served × country) the first time
that filter is asked for, so a filtered query is an exact k-nearest query, never "take 50 and hope
enough survive the filter".

Places with ``precision: city`` all sit on their town's centre, so several places are often at
exactly the same distance. Ties are broken on purpose (general places before group-specific ones,
then asylum offices before legal aid, shelters, help points and border posts) so that
``nearest 'tapachula'`` puts the asylum office first, not whichever the tree happened to return.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, get_args

import numpy as np
from sklearn.neighbors import BallTree

from bot.geo.gazetteer import Gazetteer, Town
from bot.geo.places import Geography, ResolvedPlace
from bot.kb.models import Group, Place

EARTH_RADIUS_KM = 6371.0088
GROUPS: tuple[str, ...] = get_args(Group)
"""Everyone a place can serve; ``all`` marks a general place."""
KIND_ORDER: tuple[str, ...] = (
    "asylum_office",
    "legal_aid",
    "child_protection",
    "returnee_centre",
    "shelter",
    "help_point",
    "border_point",
)
"""Tie-break among places at the same distance (same town centre): the office that takes an asylum
claim first, a border post last (it is where people already are)."""
_TIE_RAD = 1e-9  # ≈ 6 mm: distances closer than this are the same town centre


@dataclass(frozen=True)
class Hit:
    """One place in an answer. ``distance_km`` is None when there is no person's location
    (a country-only question); ``fallback`` marks a general place offered because nothing
    served the group that was asked for."""

    place: Place
    country: str
    distance_km: float | None
    lat: float
    lon: float
    fallback: bool = False


def group_of(serves: str | None) -> str | None:
    """Check a ``serves`` filter. None = no filter (every place, specific ones included);
    ``'all'`` = general places only (for someone who said no group applies); ValueError if unknown."""
    if serves is None or serves in GROUPS:
        return serves
    raise ValueError(f"unknown group {serves!r}; use one of: {', '.join(GROUPS)}")


def is_specific(group: str | None) -> bool:
    """A filter for one group (children, women...), which falls back to general places when empty."""
    return group is not None and group != "all"


@dataclass(frozen=True)
class _Subset:
    rows: np.ndarray  # positions in PlaceIndex.places
    tree: BallTree | None


class PlaceIndex:
    """Spatial index over resolved places; queries return the nearest first."""

    def __init__(self, places: Sequence[ResolvedPlace]):
        self.places = list(places)
        coords = np.array([(p.lat, p.lon) for p in self.places], dtype=float).reshape(-1, 2)
        self._radians = np.radians(coords)
        self._country = np.array([p.country for p in self.places], dtype=object)
        self._serves = {g: np.array([g in p.place.serves for p in self.places], dtype=bool) for g in GROUPS}
        kind_rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
        self._tie = np.array(
            [
                (0 if "all" in p.place.serves else len(KIND_ORDER)) + kind_rank.get(p.place.kind, len(KIND_ORDER) - 1)
                for p in self.places
            ],
            dtype=int,
        )
        self._subsets: dict[tuple[str | None, str | None], _Subset] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.places)

    def count(self, group: str | None = None, country: str | None = None) -> int:
        """How many places a filter keeps (``group`` 'all' = general places only)."""
        return len(self._subset(group, country).rows)

    def query(
        self,
        lat: float,
        lon: float,
        limit: int = 3,
        serves: str | None = None,
        country: str | None = None,
    ) -> list[Hit]:
        """Up to ``limit`` places nearest to (lat, lon).

        ``serves``: None = every place (group-specific ones included; the reply says who they are
        for), ``'all'`` = general places only, a group = places naming that group (a place serving
        ``all`` is *not* child-specific). When a group leaves nothing, the nearest general places
        come back with ``fallback=True`` so the reply can say "no place for children found; here is
        the nearest general place".
        """
        group = group_of(serves)
        hits = self.nearest(lat, lon, limit, group, country)
        if is_specific(group) and not hits:
            hits = [as_fallback(h) for h in self.nearest(lat, lon, limit, "all", country)]
        return hits

    def nearest(
        self,
        lat: float,
        lon: float,
        limit: int,
        group: str | None = None,
        country: str | None = None,
    ) -> list[Hit]:
        """Exact k-nearest within one filter, no fallback. ``group='all'`` = general places only."""
        subset = self._subset(group, country)
        if subset.tree is None or limit < 1:
            return []
        point = np.radians([[lat, lon]])
        size = len(subset.rows)
        k = min(limit + 1, size)  # one more than asked, to see whether a tie straddles the cut
        dist, ind = subset.tree.query(point, k=k)
        dist, ind = dist[0], ind[0]
        if k > limit and dist[limit] - dist[limit - 1] <= _TIE_RAD:
            ind, dist = subset.tree.query_radius(point, r=dist[limit - 1] + _TIE_RAD, return_distance=True)
            ind, dist = ind[0], dist[0]
        rows = subset.rows[ind]
        km = dist * EARTH_RADIUS_KM
        order = np.lexsort((rows, self._tie[rows], np.round(km, 3)))[:limit]
        return [self._hit(int(rows[i]), float(km[i])) for i in order]

    def _hit(self, row: int, km: float) -> Hit:
        p = self.places[row]
        return Hit(p.place, p.country, km, p.lat, p.lon)

    def _subset(self, group: str | None, country: str | None) -> _Subset:
        key = (group, country)
        subset = self._subsets.get(key)
        if subset is None:
            with self._lock:
                subset = self._subsets.get(key)
                if subset is None:
                    subset = self._subsets[key] = self._build(group, country)
        return subset

    def _build(self, group: str | None, country: str | None) -> _Subset:
        mask = np.ones(len(self.places), dtype=bool)
        if group is not None:
            mask &= self._serves.get(group, np.zeros_like(mask))
        if country is not None:
            mask &= self._country == country
        rows = np.flatnonzero(mask)
        tree = BallTree(self._radians[rows], metric="haversine") if len(rows) else None
        return _Subset(rows, tree)


def as_fallback(hit: Hit) -> Hit:
    return Hit(hit.place, hit.country, hit.distance_km, hit.lat, hit.lon, fallback=True)


K = TypeVar("K")
V = TypeVar("V")


class _PerObject(Generic[K, V]):
    """One cached value per live object, by identity.

    The live store replaces the knowledge-base object when an editor saves a file; keying on the
    object (through a weak reference) builds the new index once and lets the old one be freed.
    A knowledge base is an unhashable dataclass, hence ``id()`` plus a weakref check.
    """

    def __init__(self, build: Callable[[K], V]):
        self._build = build
        self._items: dict[int, tuple[weakref.ref, V]] = {}
        self._lock = threading.Lock()

    def get(self, obj: K) -> V:
        key = id(obj)
        item = self._items.get(key)
        if item is not None and item[0]() is obj:
            return item[1]
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0]() is obj:
                return item[1]
            value = self._build(obj)
            self._items[key] = (weakref.ref(obj, lambda _ref, key=key: self._items.pop(key, None)), value)
            return value


_place_indexes: _PerObject[Geography, PlaceIndex] = _PerObject(lambda kb: PlaceIndex(kb.places))


def index_for(kb: Geography) -> PlaceIndex:
    """The place index of this knowledge base, built on first use."""
    return _place_indexes.get(kb)


class _TownIndex:
    """Gazetteer towns in a BallTree: which town (and so which country) a location pin is in."""

    def __init__(self, gazetteer: Gazetteer):
        self.towns = list(gazetteer.towns)
        coords = np.radians(np.array([(t.lat, t.lon) for t in self.towns], dtype=float).reshape(-1, 2))
        self.tree = BallTree(coords, metric="haversine") if self.towns else None

    def nearest(self, lat: float, lon: float) -> tuple[Town, float] | None:
        if self.tree is None:
            return None
        dist, ind = self.tree.query(np.radians([[lat, lon]]), k=1)
        return self.towns[int(ind[0, 0])], float(dist[0, 0]) * EARTH_RADIUS_KM


_town_indexes: _PerObject[Gazetteer, _TownIndex] = _PerObject(_TownIndex)


def nearest_town(gazetteer: Gazetteer, lat: float, lon: float) -> tuple[Town, float] | None:
    """The gazetteer town closest to a point, with its distance in km (None if no towns)."""
    return _town_indexes.get(gazetteer).nearest(lat, lon)
