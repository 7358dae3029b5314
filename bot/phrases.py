"""Fixed sentences for the custom actions, in both languages, from ``bot/phrases.yml``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).with_name("phrases.yml")


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    with PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def say(name: str, language: str, **variables: Any) -> str:
    """The phrase ``name`` in ``language`` (Spanish if unknown), with ``{variables}`` filled in."""
    entry = table()[name]
    return entry.get(language, entry["es"]).format(**variables)
