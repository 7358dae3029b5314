"""Generous bounding boxes of the seven countries, to catch swapped or mistyped coordinates.

A box is not a border: it stops gross mistakes (lat/lon swapped, a lost minus sign, a town in the
wrong country) that an editor would otherwise only notice on a map.
"""

from __future__ import annotations

BOXES: dict[str, tuple[float, float, float, float]] = {
    # country: (min_lat, max_lat, min_lon, max_lon)
    "mexico": (14.4, 32.8, -118.5, -86.6),
    "belize": (15.8, 18.6, -89.3, -87.4),
    "guatemala": (13.6, 17.9, -92.3, -88.1),
    "el_salvador": (13.1, 14.5, -90.2, -87.6),
    "honduras": (12.9, 17.5, -89.4, -83.1),
    "costa_rica": (5.4, 11.3, -87.2, -82.5),
    "panama": (7.1, 9.7, -83.1, -77.1),
}


def inside(country: str, lat: float, lon: float) -> bool:
    """True when the point is inside the country's box (unknown countries never are)."""
    box = BOXES.get(country)
    if box is None:
        return False
    min_lat, max_lat, min_lon, max_lon = box
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
