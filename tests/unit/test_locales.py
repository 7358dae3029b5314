"""Every locale has every key of the default one, with the same {placeholders}."""

from __future__ import annotations

import string

import pytest

from bot import locales


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("language", [lang for lang in locales.languages() if lang != locales.DEFAULT])
def test_locale_has_every_key_and_placeholder_of_the_default(language: str) -> None:
    base, other = locales.keys(locales.DEFAULT), locales.keys(language)
    for section, names in base.items():
        missing = names - other.get(section, set())
        assert not missing, f"{language}.yml lacks {section}: {sorted(missing)}"
        if section != "words":  # every sentence section; word lists have no placeholders
            for name in names:
                raw_base = locales._catalogue(locales.DEFAULT)[section][name]
                raw_other = locales._catalogue(language)[section][name]
                assert _fields(raw_base) == _fields(raw_other), f"{section}.{name} placeholders differ"


def test_languages_come_from_the_files() -> None:
    assert locales.languages()[0] == locales.DEFAULT
    assert set(locales.languages()) >= {"es", "en"}


def test_unknown_language_falls_back_to_the_default() -> None:
    assert locales.say("no_more", "fr") == locales.say("no_more", locales.DEFAULT)
    assert locales.supported("xx") == locales.DEFAULT


def test_word_lists_merge_every_language() -> None:
    merged = locales.words("thanks")
    assert "gracias" in merged and "thanks" in merged
    assert "gracias" not in locales.words("thanks", "en")
