"""The danger-word net: every emergency example in the NLU data trips it, no other example does."""

from __future__ import annotations

import sys

from bot.safety import is_emergency
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from nlu_eval import examples  # noqa: E402


def test_every_emergency_example_is_caught_even_if_the_model_misreads_it() -> None:
    for language in ("es", "en"):
        missed = [t for t, intent in examples(language) if intent == "emergency" and not is_emergency(t)]
        assert not missed, missed


def test_no_other_example_is_taken_for_an_emergency() -> None:
    for language in ("es", "en"):
        wrong = [t for t, intent in examples(language) if intent != "emergency" and is_emergency(t)]
        assert not wrong, wrong


def test_words_inside_other_words_do_not_count() -> None:
    assert not is_emergency("i want grapes")
    assert not is_emergency("gunther")
    assert is_emergency("Me SECUESTRARON")
