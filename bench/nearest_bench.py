"""How fast is a nearest-place query? Prints one ``name: value unit`` per line.

    .venv/bin/python bench/nearest_bench.py [--queries 1000] [--seed 7]

Synthetic places are spread uniformly over the bounding box of all the countries (the union of
each country file's ``bbox``); queries start from random points in the same box. Each figure is the
median of ``--queries`` single-point queries (one person asking at a time, as the bot does), after
the per-filter tree has been built. Why the median: the first query of a filter builds its tree,
and a stray garbage collection should not decide the figure either; the build time is reported
on its own line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.geo.nearest import PlaceIndex
from bot.geo.places import ResolvedPlace
from bot.kb.loader import country_paths
from bot.kb.models import CountryFile, Place, SourceRef, Text

SIZES = (("1pt", 1), ("1k", 1_000), ("50k", 50_000))
_BOXES = [
    CountryFile.parse_obj(yaml.safe_load(path.read_text(encoding="utf-8"))).bbox
    for path in country_paths(Path(__file__).resolve().parent.parent / "knowledge_base")
]
LAT = (min(b.min_lat for b in _BOXES if b), max(b.max_lat for b in _BOXES if b))
LON = (min(b.min_lon for b in _BOXES if b), max(b.max_lon for b in _BOXES if b))


def synthetic_places(n: int, rng: np.random.Generator) -> list[ResolvedPlace]:
    """``n`` places at random points; one in ten serves children only (for the filtered figure).
    ``construct`` skips validation: this measures the index, not pydantic."""
    does = Text.construct(es="Punto de ayuda.", en="Help point.")
    source = [SourceRef.construct(id="bench", where="synthetic")]
    lats = rng.uniform(*LAT, n)
    lons = rng.uniform(*LON, n)
    places = []
    for i in range(n):
        place = Place.construct(
            id=f"bench-{i}",
            name=f"Place {i}",
            kind="help_point",
            does=does,
            serves=["children"] if i % 10 == 0 else ["all"],
            city="Bench",
            precision="exact",
            lat=float(lats[i]),
            lon=float(lons[i]),
            address="",
            phone="",
            hours="",
            website="",
            sources=source,
            last_reviewed=dt.date(2026, 1, 1),
        )
        places.append(ResolvedPlace(place=place, country="bench", file="bench", lat=float(lats[i]), lon=float(lons[i])))
    return places


def median_ms(index: PlaceIndex, points: np.ndarray, serves: str | None = None) -> float:
    index.query(float(points[0, 0]), float(points[0, 1]), serves=serves)  # build this filter's tree
    times = []
    for lat, lon in points:
        start = time.perf_counter()
        index.query(float(lat), float(lon), limit=3, serves=serves)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    points = np.column_stack([rng.uniform(*LAT, args.queries), rng.uniform(*LON, args.queries)])
    for label, n in SIZES:
        places = synthetic_places(n, rng)
        start = time.perf_counter()
        index = PlaceIndex(places)
        index.query(0.0, 0.0)
        build_ms = (time.perf_counter() - start) * 1000
        print(f"nearest_query_ms_{label}: {median_ms(index, points):.3f} ms")
        if n >= 1000:
            print(f"nearest_query_children_ms_{label}: {median_ms(index, points, 'children'):.3f} ms")
            print(f"nearest_index_build_ms_{label}: {build_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
