"""JSON Schema files generated from the models, so editors' tools autocomplete and underline."""

from __future__ import annotations

import json
from pathlib import Path

from bot.kb.models import CountryFile, PlacesFile, SourcesFile, TownsFile

SCHEMAS = {
    "country.schema.json": CountryFile,
    "places.schema.json": PlacesFile,
    "sources.schema.json": SourcesFile,
    "towns.schema.json": TownsFile,
}


def write(out_dir: Path) -> list[Path]:
    """Write one schema per file kind; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = out_dir / name
        path.write_text(json.dumps(model.schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
