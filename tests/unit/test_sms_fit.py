"""SMS fitting from a reply's parts (``bot.sms_fit``): what shrinks first, how a long reply is paged,
where the first-contact notice goes, and the parts' contract. Every answer of the knowledge base
through the same fitting: ``test_sms_report.py``.
"""

from __future__ import annotations

import re

import pytest

from bot import menus, sms, sms_fit
from bot.config import Settings
from bot.kb.loader import Content, load

BUDGET = Settings.from_env().sms_segments  # RUTA_SMS_SEGMENTS, 3 by default
KB_PATH = Settings.from_env().kb_path  # RUTA_KB_PATH, the repository's knowledge_base/ by default
_HINT = re.compile(r"\n1 (?:sigue|more) \(\d+/\d+\)$")


@pytest.fixture(scope="module")
def kb() -> Content:
    return load(KB_PATH)


def flat(text: str) -> str:
    return " ".join(text.split())


def read_all(fitted: sms_fit.Fitted) -> str:
    """What the person has read after asking for every page, page hints removed."""
    return "\n".join(_HINT.sub("", page) for page in [*fitted.messages, *fitted.pages])


# What shrinks first -------------------------------------------------------------------------------


def _answer_part(body: str) -> sms_fit.Part:
    message = {
        "text": "x",
        "ruta": {
            "kind": "answer",
            "lang": "es",
            "body": body,
            "tails": [
                "Parte es de 2016: puede haber cambiado.\nFuente: A 2016; B 2020. Revisado: 2026-01-01",
                "Fuente: B 2020, datos de 2016.",
            ],
        },
    }
    return sms_fit.Part.from_message(message)


def _menu_part() -> sms_fit.Part:
    return sms_fit.Part.from_message(menus.message(menus.after_answer_menu("asylum", True), "es"))


def test_a_reply_that_fits_is_sent_as_on_rest() -> None:
    parts = [_answer_part("Pide asilo en la COMAR."), _menu_part()]
    fitted = sms_fit.fit(parts, 3)
    assert fitted.messages == [sms.to_gsm7("\n".join(p.forms[0] for p in parts))]
    assert not fitted.paged


def test_the_menu_shrinks_before_the_source_line() -> None:
    body = "Pide asilo en la COMAR. " * 14  # 336 characters
    fitted = sms_fit.fit([_answer_part(body), _menu_part()], 3)
    (text,) = fitted.messages
    assert body.strip() in text
    assert "Revisado: 2026-01-01" in text  # the full source line stayed
    assert "2 Documentos" not in text and text.endswith("0 Menu")


def test_then_the_source_line_becomes_the_newest_source_and_the_year_of_the_data() -> None:
    body = "Pide asilo en la COMAR. " * 17  # 408 characters
    (text,) = sms_fit.fit([_answer_part(body), _menu_part()], 3).messages
    assert body.strip() in text
    assert "Fuente: B 2020, datos de 2016." in text and "Revisado" not in text
    assert sms.segments(text) == 3


def test_an_answer_longer_than_the_budget_is_paged_at_sentences() -> None:
    sentences = [f"Frase numero {i} de la respuesta, que es larga." for i in range(30)]
    fitted = sms_fit.fit([_answer_part(" ".join(sentences)), _menu_part()], 2)
    sent = [*fitted.messages, *fitted.pages]
    assert len(sent) > 2 and all(sms.segments(p) <= 2 for p in sent)
    for i, page in enumerate(sent[:-1], 1):
        assert page.endswith(f"\n1 sigue ({i}/{len(sent)})")
    assert "sigue" not in sent[-1] and sent[-1].endswith("0 Menu")
    read = read_all(fitted)
    assert all(s in read for s in sentences)  # every sentence whole, none cut across pages
    assert "B 2020" in sent[-1]  # the source comes with the last page: as full as that page has room for


def test_english_pages_say_more() -> None:
    part = sms_fit.Part.from_message(
        {
            "text": "x",
            "ruta": {"kind": "answer", "lang": "en", "body": "Ask COMAR. " * 60, "tails": ["Source: B 2020."]},
        }
    )
    fitted = sms_fit.fit([part], 1)
    assert fitted.messages[0].endswith(f"\n1 more (1/{1 + len(fitted.pages)})")


def test_plain_text_is_paged_too_never_cut() -> None:
    text = "\n".join(f"{i}. Albergue numero {i}, calle sin nombre, abierto de dia." for i in range(1, 20))
    fitted = sms_fit.fit([sms_fit.Part.text(text)], 2, language="es")
    assert fitted.paged
    assert flat(sms.to_gsm7(text)) == flat(read_all(fitted))


def test_a_sentence_longer_than_a_page_is_split_between_words() -> None:
    words = [f"palabra{i}" for i in range(80)]
    fitted = sms_fit.fit([sms_fit.Part.text(" ".join(words))], 1)
    sent = [*fitted.messages, *fitted.pages]
    assert all(sms.segments(p) <= 1 for p in sent)
    assert read_all(fitted).split() == words


def test_sentences_keep_abbreviations_together() -> None:
    units = [u for _, u in sms_fit.sentences("Viven en EE. UU. desde 2020. Ver art. 18 de la ley. ¿Dudas? Llama.")]
    assert units == ["Viven en EE. UU. desde 2020.", "Ver art. 18 de la ley.", "¿Dudas?", "Llama."]


# The notice on first contact ----------------------------------------------------------------------


def _notice() -> sms_fit.Part:
    return sms_fit.Part(
        "notice", ("Ruta guarda tus mensajes 90 días. Para borrarlos, escribe BORRAR.", "BORRAR borra.")
    )


def test_the_notice_goes_inline_when_it_fits() -> None:
    fitted = sms_fit.fit([_answer_part("Pide asilo en la COMAR."), _menu_part()], 3, notice=_notice())
    (text,) = fitted.messages
    assert text.startswith("Ruta guarda tus mensajes 90 dias.") and "Pide asilo en la COMAR." in text


def test_the_notice_shortens_or_leaves_rather_than_push_the_answer_out() -> None:
    body = "Pide asilo en la COMAR. " * 17
    shorter = sms_fit.fit([_answer_part(body[:-60]), _menu_part()], 3, notice=_notice()).messages
    assert len(shorter) == 1 and shorter[0].startswith("BORRAR borra.") and body[:-60].strip() in shorter[0]
    alone = sms_fit.fit([_answer_part(body), _menu_part()], 3, notice=_notice()).messages
    assert alone[0] == sms.to_gsm7(_notice().forms[0]) and body.strip() in alone[1]


# The contract ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ruta",
    [None, "text", {"kind": "answer"}, {"kind": "answer", "body": 3, "tails": ["x"]}, {"kind": "menu", "short": "x"}],
)
def test_a_broken_payload_is_plain_text(ruta: object) -> None:
    assert sms_fit.Part.from_message({"text": "Hola", "ruta": ruta}) == sms_fit.Part.text("Hola")


def test_country_and_town_menus_are_never_shortened(kb: Content) -> None:
    assert menus.country_menu(kb).shorter("es") == []
    assert menus.after_answer_menu("asylum", True).shorter("en")[-2:] == ["1 More details, 0 Menu", "0 Menu"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("Sigue", True), ("más", True), ("MORE", True), ("1 asilo", False), ("2", False)],
)
def test_continue_words(text: str, expected: bool) -> None:
    assert sms_fit.is_continue(text) is expected
