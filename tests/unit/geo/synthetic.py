"""Small knowledge bases for the geography tests: places chosen to exercise one rule each.

They use the project's real town supplement (``knowledge_base/towns``) and a stub file per shipped
country (``tests.conftest.country_stub``), so they do not depend on what the content writers have
finished. JSON is valid YAML, so the files are written with ``json.dumps``.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import KB as REAL_KB
from tests.conftest import country_stub, shipped_countries

JSON_KEYS = {"name", "kind", "city", "country", "distance_km", "precision", "serves"}


def _place(pid: str, city: str, kind: str = "help_point", serves: tuple[str, ...] = ("all",), **extra: Any) -> dict:
    place = {
        "id": pid,
        "name": extra.pop("name", pid.replace("-", " ").title()),
        "kind": kind,
        "does": extra.pop("does", {"es": "Ayuda a personas migrantes.", "en": "Helps migrants."}),
        "serves": list(serves),
        "city": city,
        "precision": "city",
        "sources": [{"id": "test-src", "where": "synthetic test data"}],
        "last_reviewed": "2026-01-01",
    }
    place.update(extra)
    return place


def write_kb(root: Path, places: dict[str, list[dict]]) -> Path:
    """A minimal valid knowledge base: sources.yml, the real towns supplement, places/<country>.yml.
    JSON is valid YAML, so the files are written with ``json.dumps``."""
    root.mkdir(parents=True, exist_ok=True)
    sources = {
        "sources": [{"id": "test-src", "title": "Test", "short": "Test", "publisher": "Ruta tests", "year": 2026}]
    }
    (root / "sources.yml").write_text(json.dumps(sources), encoding="utf-8")
    for country in shipped_countries():
        (root / f"{country}.yml").write_text(json.dumps(country_stub(country), ensure_ascii=False), encoding="utf-8")
    if (REAL_KB / "towns").is_dir():
        shutil.copytree(REAL_KB / "towns", root / "towns", dirs_exist_ok=True)
    (root / "places").mkdir(exist_ok=True)
    for country, items in places.items():
        body = {"country": country, "places": items}
        (root / "places" / f"{country}.yml").write_text(
            json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return root


LONG_DOES = {
    "es": "Recibe solicitudes de asilo. En 2017 era la oficina con más solicitudes del país y daba citas "
    "para entrevistas, constancias y orientación sobre trámites migratorios a quien lo pidiera.",
    "en": "Receives asylum applications. In 2017 it was the office with the most applications in the country "
    "and gave interview appointments, certificates and guidance on migration procedures to anyone who asked.",
}

SYNTHETIC = {
    "mexico": [
        _place(
            "mx-albergue-ninez-tapachula", "Tapachula", "shelter", ("children",), name="Albergue para niñez Tapachula"
        ),
        _place(
            "mx-comar-tapachula",
            "Tapachula",
            "asylum_office",
            name="COMAR Tapachula",
            does=LONG_DOES,
            phone="962 000 0000",
        ),
        _place("mx-legal-tapachula", "Tapachula", "legal_aid", name="Clínica legal Tapachula"),
        _place("mx-comar-cdmx", "Ciudad de México", "asylum_office", name="COMAR CDMX"),
        _place("mx-comar-tenosique", "Tenosique", "asylum_office", name="COMAR Tenosique"),
        _place("mx-familias-cdmx", "Ciudad de México", "shelter", ("families",), name="Casa para familias CDMX"),
    ],
    "guatemala": [
        _place("gt-recepcion-tecun", "Tecún Umán", "returnee_centre", ("returnees",), name="Recepción Tecún Umán"),
        _place("gt-ninez-xela", "Quetzaltenango", "child_protection", ("children",), name="Niñez Quetzaltenango"),
        _place("gt-igm", "Ciudad de Guatemala", "asylum_office", name="IGM asilo"),
    ],
    "costa_rica": [
        _place("cr-dgme", "San José", "asylum_office", name="DGME Refugio"),
        _place("cr-enlace-paso-canoas", "Paso Canoas", "border_point", name="Enlace Paso Canoas"),
        _place(
            "cr-exacta",
            "San José",
            "help_point",
            name="Punto exacto San José",
            precision="exact",
            lat=9.95,
            lon=-84.10,
            coordinates_source="synthetic test point",
        ),
    ],
}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))
