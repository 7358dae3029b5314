"""One catalogue per language: every fixed sentence and every word list Ruta reads with.

Why files, not code: a new language is a new ``<lang>.yml`` beside these (plus NLU data and
content), and editors can fix a word list without touching Python. The set of languages is the
set of files. One fallback rule everywhere: a key missing in a language comes from
:data:`DEFAULT` (Spanish, the language most people Ruta serves write).

The files are read from ``RUTA_LOCALES_PATH`` when it is set (a test's copy with one more
language), else from this folder.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings

DIR = Path(__file__).resolve().parent
"""The shipped catalogues (the default of ``Settings.locales_path``)."""
DEFAULT = "es"


def directory() -> Path:
    """Where the catalogues are read from (``RUTA_LOCALES_PATH``, default :data:`DIR`)."""
    return _directory(os.environ.get("RUTA_LOCALES_PATH"))


@cache
def _directory(_configured: str | None) -> Path:
    """``Settings`` parses the variable; cached by its raw value, since every sentence asks."""
    return Settings.from_env().locales_path


def _catalogue(language: str) -> dict[str, Any]:
    return _read(directory() / f"{language}.yml")


@cache
def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def languages() -> tuple[str, ...]:
    """Languages Ruta can speak: one file each, the default first."""
    return _languages(directory())


@cache
def _languages(folder: Path) -> tuple[str, ...]:
    found = sorted(p.stem for p in folder.glob("*.yml"))
    return (DEFAULT, *[lang for lang in found if lang != DEFAULT])


def supported(language: str | None) -> str:
    """``language`` when Ruta has a catalogue for it, else the default."""
    return language if language in languages() else DEFAULT


def _lookup(section: str, key: str, language: str) -> Any:
    for lang in (supported(language), DEFAULT):
        value = _catalogue(lang).get(section, {}).get(key)
        if value is not None:
            return value
    raise KeyError(f"{section}.{key} is in no locale file (not even {DEFAULT}.yml)")


def say(key: str, language: str, **variables: Any) -> str:
    """The fixed sentence ``key`` in ``language`` (or the default), ``{variables}`` filled in."""
    return str(_lookup("phrases", key, language)).format(**variables)


def text(section: str, key: str, language: str, **variables: Any) -> str:
    """Any other catalogue text (``menus``, ``labels``, ``answer``)."""
    return str(_lookup(section, key, language)).format(**variables)


@cache
def template(section: str, key: str, language: str) -> str:
    """A catalogue text with its ``{placeholders}`` left in, for code that fills them later."""
    return str(_lookup(section, key, language))


def words(key: str, language: str | None = None) -> Any:
    """The word list ``key`` of one language, or — with no language — of all languages merged.

    Messages mix languages ("necesito un work permit"), so understanding reads every language's
    lists; a list is a list of strings, or a mapping of such lists (danger kinds, topics). The
    result is cached and shared: callers read it, never change it.
    """
    langs = [supported(language)] if language else list(languages())
    merged: Any = None
    for lang in langs:
        value = _catalogue(lang).get("words", {}).get(key)
        if value is None:
            continue
        if isinstance(value, dict) and not all(isinstance(v, list) for v in value.values()):
            merged = {**(merged or {}), **value}  # a plain mapping (number words): later languages add
        elif isinstance(value, dict):
            merged = merged or {}
            for sub, items in value.items():
                merged.setdefault(sub, [])
                merged[sub] += [i for i in items or [] if i not in merged[sub]]
        else:
            merged = (merged or []) + [i for i in value if i not in (merged or [])]
    return merged if merged is not None else []


def keys(language: str) -> dict[str, set[str]]:
    """Section → keys a locale defines (the completeness test compares them across files)."""
    data = _catalogue(language)
    return {section: set(values) for section, values in data.items() if isinstance(values, dict)}
