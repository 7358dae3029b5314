"""What the channels say by themselves (``bot.rasa.channels.texts``) is the locales' text."""

from __future__ import annotations

import pytest

from bot import locales
from bot.rasa.channels import texts


def test_messages_before_the_language_is_known_are_in_every_language() -> None:
    assert texts.every_language("media_only") == (
        "Solo puedo leer texto. Escribe tu pregunta, por favor.\nI can only read text. Please type your question."
    )
    assert texts.every_language("empty").splitlines() == [
        texts.say("empty", language) for language in locales.languages()
    ]


def test_the_notice_names_the_days_and_the_erase_word_of_its_language() -> None:
    assert "90 días" in texts.say("notice", "es", days=90) and "BORRAR" in texts.say("notice", "es", days=90)
    assert "90 days" in texts.say("notice", "en", days=90) and "DELETE" in texts.say("notice", "en", days=90)
    assert len(texts.say("notice_short", "es", days=90)) < len(texts.say("notice", "es", days=90))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("BORRAR", "es"),
        ("¡Borrar!", "es"),
        ("Borrar mis datos.", "es"),
        ("delete", "en"),
        ("Delete my data", "en"),
        ("como borrar mis antecedentes penales", None),
        ("borrar " * 10, None),  # too long to be a request
        ("eliminar", None),  # only the locales' erase_requests erase at once
    ],
)
def test_erase_requests_are_whole_messages_from_the_locales(text: str, language: str | None) -> None:
    assert texts.erase_language(text) == language


def test_an_erasure_says_what_it_removed() -> None:
    assert texts.erased(3, "es") == texts.say("erased", "es") != texts.say("nothing_stored", "es")
    assert texts.erased(0, "en") == texts.say("nothing_stored", "en")
