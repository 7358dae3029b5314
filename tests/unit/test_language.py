"""Language detection on short messages, with the conversation's memory."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.language import decide

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
