"""A third language is a locale file and content, not code; what it lacks falls back to Spanish.

French here is a small ``fr.yml`` (a handful of keys) written beside a copy of the shipped
locales (``RUTA_LOCALES_PATH``), plus one French knowledge-base text in a temporary copy of the
knowledge base. The fallback rule is the same everywhere: a sentence, label or text missing in
French comes from Spanish (``bot.locales.DEFAULT``); a word list is not borrowed from Spanish for
French alone, but understanding reads every language's lists merged, French ones included.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot import locales, menus
from bot.dialogue import Dialogue, State, Turn
from bot.kb.answer import answer
from bot.kb.loader import KBError
from bot.world import KnowledgeBase, load

FRENCH = {
    "language": {"name": "Français", "native_name": "Français"},
    "phrases": {
        "no_more": "Je n'ai pas plus de détails là-dessus.",
        "country_set": "D'accord : {country_name}. Que veux-tu savoir ?",
    },
    "menus": {"main": "Écris un numéro :"},
    "labels": {"asylum": "Demander l'asile", "menu": "Menu"},
    "answer": {"source": "Source"},
    "words": {"thanks": ["merci", "merci beaucoup"]},
}
SUMMARY_FR = "Demande l'asile (refuge) à la COMAR. C'est gratuit."


@pytest.fixture()
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped locales plus ``fr.yml``, in use for this test only."""
    folder = tmp_path / "locales"
    folder.mkdir()
    for path in locales.DIR.glob("*.yml"):
        shutil.copy(path, folder / path.name)
    (folder / "fr.yml").write_text(yaml.safe_dump(FRENCH, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("RUTA_LOCALES_PATH", str(folder))
    return folder


def _with_french_summary(root: Path) -> Path:
    path = root / "mexico.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  asylum:\n    summary:\n")
    en_line = text.index("\n      en: ", start)
    end = text.index("\n", en_line + 1)
    path.write_text(text[:end] + f'\n      fr: "{SUMMARY_FR}"' + text[end:], encoding="utf-8")
    return root


@pytest.fixture()
def kb(french: Path, kb_copy: Path) -> KnowledgeBase:
    return load(_with_french_summary(kb_copy))


def test_the_language_exists_because_its_file_does(french: Path) -> None:
    assert locales.languages() == ("es", "en", "fr")
    assert locales.supported("fr") == "fr"


def test_fixed_sentences_fall_back_to_spanish(french: Path) -> None:
    assert locales.say("no_more", "fr") == FRENCH["phrases"]["no_more"]
    assert locales.say("country_set", "fr", country_name="México") == "D'accord : México. Que veux-tu savoir ?"
    assert locales.say("fallback", "fr") == locales.say("fallback", "es")  # not translated yet
    assert locales.text("labels", "documents", "fr") == locales.text("labels", "documents", "es")


def test_word_lists_are_read_merged_and_not_borrowed(french: Path) -> None:
    assert "merci" in locales.words("thanks")  # every language's list, as understanding reads them
    assert locales.words("thanks", "fr") == ["merci", "merci beaucoup"]
    assert locales.words("greetings", "fr") == []  # French has none: no Spanish greeting passes as French


def test_a_knowledge_base_text_in_french_is_used_and_the_rest_is_spanish(kb: KnowledgeBase) -> None:
    asylum = answer(kb, "asylum", "mexico", "fr")
    assert asylum is not None and asylum.summary == SUMMARY_FR
    assert asylum.footer.startswith("Source:")  # the French label
    documents = answer(kb, "documents", "mexico", "fr")
    assert documents is not None
    assert documents.summary == kb.entry("mexico", "documents").summary.es  # type: ignore[union-attr]
    assert kb.countries["mexico"].name.get("fr") == "México"  # no French name: the Spanish one


def test_menus_use_the_french_labels_where_there_are_some(kb: KnowledgeBase) -> None:
    text = menus.message(menus.main_menu(), "fr", kb)["text"]
    assert text.startswith("Écris un numéro :") and "1 Demander l'asile" in text
    assert f"2 {locales.text('labels', 'documents', 'es')}" in text


def test_a_conversation_in_french(kb: KnowledgeBase) -> None:
    state = State.from_slots({"language": "fr", "country": "mexico"}, countries=kb.country_ids)
    assert state.language == "fr"
    reply = Dialogue(kb).respond(state, Turn("", "asilo"))
    assert SUMMARY_FR in reply.messages[0]["text"]


def test_a_place_list_without_french_sentences_is_in_spanish(kb: KnowledgeBase) -> None:
    from bot.geo.lookup import lookup
    from bot.geo.reply import render

    assert render(lookup(kb, town="Tapachula"), "fr", kb).startswith("Lugares más cercanos a Tapachula")


def test_a_french_text_without_a_french_locale_is_refused(kb_copy: Path) -> None:
    with pytest.raises(KBError) as refused:
        load(_with_french_summary(kb_copy))
    assert "`fr` is not a field, nor a language with a locale file" in str(refused.value)
