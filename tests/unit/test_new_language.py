"""A third language is a locale file and content, not code; what it lacks falls back to Spanish.

French here is a small ``fr.yml`` (a handful of keys) written beside a copy of the shipped
locales (``RUTA_LOCALES_PATH``), plus one French knowledge-base text in a temporary copy of the
knowledge base. The fallback rule is the same everywhere: a sentence, label or text missing in
French comes from Spanish (``bot.locales.DEFAULT``); a word list is not borrowed from Spanish for
French alone, but understanding reads every language's lists merged, French ones included.

Detection needs no code either: with its switch words and a small lexicon in ``fr.yml``, French
is detected (langdetect knows it; the set of languages is the set of locale files). The channels'
own sentences follow the same rule: a first French message gets the first-contact notice in
Spanish until ``fr.yml`` has ``channel.notice``, and a message sent before the language is known
(media only, empty) is written in every language that has the sentence, Spanish not repeated.
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
    "words": {
        "thanks": ["merci", "merci beaucoup"],
        "switch_requests": ["francais", "en francais", "je parle francais"],
        "lexicon": ["bonjour", "merci", "je", "j", "ai", "suis", "besoin", "d", "aide", "pour", "demander", "est"],
        "lexicon_grammar": ["je", "j", "ai", "suis", "pour", "est"],
        "language_marks": ["ç", "è", "ê", "à"],
        "erase_requests": ["effacer", "effacer mes donnees"],
    },
}
BONJOUR = "Bonjour, j'ai besoin d'aide pour demander l'asile"
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


def test_french_is_detected_from_its_locale(french: Path) -> None:
    from bot.language import decide

    assert decide("Français", "es") == "fr" and decide("en français", "en") == "fr"  # an explicit switch
    assert decide(BONJOUR, None) == "fr"
    assert decide(BONJOUR, "es") == "fr"  # a clear sentence flips a known language, as for Spanish and English
    assert decide("merci", "es") == "es"  # one word never does
    assert decide("hola, necesito ayuda", None) == "es" and decide("I need help with asylum", None) == "en"


def test_without_french_sentences_the_channels_fall_back_to_spanish(french: Path) -> None:
    from bot.rasa.channels import texts
    from bot.rasa.channels.twilio.store import notice

    assert notice("fr", 90) == notice("es", 90)
    spanish_then_english = [texts.say("media_only", "es"), texts.say("media_only", "en")]
    assert texts.every_language("media_only").splitlines() == spanish_then_english  # Spanish once
    assert texts.erase_language("Effacer !") == "fr"  # French erase words erase, answered in Spanish
    assert texts.erased(0, "fr") == texts.say("nothing_stored", "es")


def test_with_french_sentences_the_channels_speak_french(french: Path) -> None:
    from bot.rasa.channels import texts

    channel = {"media_only": "Je ne lis que du texte.", "notice": "Ruta garde tes messages {days} jours."}
    (french / "fr.yml").write_text(yaml.safe_dump({**FRENCH, "channel": channel}, allow_unicode=True), "utf-8")
    assert texts.say("notice", "fr", days=90) == "Ruta garde tes messages 90 jours."
    assert texts.every_language("media_only").splitlines()[-1] == "Je ne lis que du texte."


@pytest.mark.parametrize("french_notice", [False, True])
def test_a_first_french_sms_gets_the_notice_as_documented(french: Path, tmp_path: Path, french_notice: bool) -> None:
    """Through the Twilio channel itself: French is detected; the notice is Spanish until fr.yml has one."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    from bot import sms
    from bot.rasa.channels.twilio.store import notice
    from tests.unit.twilio.support import StandIn, live, make_app, make_channel, messages, post, twilio_params

    if french_notice:  # written before anything reads fr.yml (the catalogues are read once)
        channel_fr = {"notice": "Ruta garde tes messages {days} jours, sans ton numéro. Pour les effacer : EFFACER."}
        (french / "fr.yml").write_text(yaml.safe_dump({**FRENCH, "channel": channel_fr}, allow_unicode=True), "utf-8")
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "ruta.db"))
    channel = make_channel(tmp_path / "ruta.db")
    with live(make_app(channel, StandIn(store, reply="Demande l'asile à la COMAR.")), channel) as base:
        (reply,) = messages(post(base, twilio_params(BONJOUR)))
    expected = "Ruta garde tes messages 90 jours" if french_notice else notice("es", 90)[0]
    assert reply.startswith(sms.to_gsm7(expected)) and reply.endswith("COMAR.")
