"""Language detection on short messages, with the conversation's memory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import language, locales
from bot.language import decide
from tests.conftest import country_stub

CASES = Path(__file__).resolve().parent.parent / "data" / "language_short_messages.yml"


def test_short_message_accuracy_is_at_least_98_percent() -> None:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 200
    assert all(1 <= len(c["text"].split()) <= 4 for c in cases)
    wrong = [c for c in cases if decide(c["text"], c["previous"]) != c["expected"]]
    accuracy = 1 - len(wrong) / len(cases)
    print(f"\nlanguage_id_accuracy_short_messages: {accuracy:.3f} ({len(cases)} cases)")
    for case in wrong:
        print(f"  wrong: {case}")
    assert accuracy >= 0.98


def test_one_word_messages_never_flip_a_known_language() -> None:
    for word in ("hola", "si", "ok", "help", "asilo", "gracias", "1", "menu"):
        assert decide(word, "en") == "en"
        assert decide(word, "es") == "es"


def test_explicit_switch_and_clear_sentences_flip() -> None:
    assert decide("english", "es") == "en"
    assert decide("español", "en") == "es"
    assert decide("and can I work?", "es") == "en"
    assert decide("donde esta la oficina", "en") == "es"


def test_first_message_decides_and_ambiguous_defaults_to_spanish() -> None:
    assert decide("hola", None) == "es"
    assert decide("hi", None) == "en"
    assert decide("ok", None) == "es"
    assert decide("How do I apply for asylum in Mexico?", None) == "en"


def test_the_word_lists_are_the_locales_and_the_country_names_the_knowledge_base(
    kb_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lexicon = language.lexicon()
    assert lexicon.languages == locales.languages()
    assert lexicon.switch["english"] == "en" and lexicon.switch["castellano"] == "es"
    assert "necesito" in lexicon.grammar["es"] and "the" in lexicon.words["en"]
    assert {"el", "salvador", "costa", "rica", "belice", "belize"} <= language.country_words()
    assert language.detect("Zémbla").language == "es"  # an accent marks Spanish, outside a country's name
    stub = country_stub("belize") | {"country": "zembla", "name": {"es": "Zémbla", "en": "South Zembla"}}
    (kb_copy / "zembla.yml").write_text(yaml.safe_dump(stub, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("RUTA_KB_PATH", str(kb_copy))
    assert {"zembla", "south"} <= language.country_words()  # a new country file: no code change
    assert language.detect("Zémbla").language is None  # now a country's name, like "Panamá"
