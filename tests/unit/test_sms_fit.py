"""SMS fitting from a reply's parts: every answer of the knowledge base arrives whole on SMS.

The whole-answer tests walk whatever entries the loaded knowledge base has (topic entries, and
question entries when the files have them), in both languages, through the same fitting the
Twilio channel uses, and print what each reply costs.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

from bot import menus, sms, sms_fit
from bot.config import Settings
from bot.kb import LANGUAGES
from bot.kb.answer import entries, from_entry
from bot.kb.loader import Content, load

BUDGET = Settings.from_env().sms_segments  # RUTA_SMS_SEGMENTS, 3 by default
KB_PATH = Settings.from_env().kb_path  # RUTA_KB_PATH, the repository's knowledge_base/ by default
_HINT = re.compile(r"\n1 (?:sigue|more) \(\d+/\d+\)$")


@pytest.fixture(scope="module")
def kb() -> Content:
    return load(KB_PATH)


def _answers(kb: Content):
    for country, topic, key, _, entry in entries(kb):
        for language in LANGUAGES:
            yield f"{country} {key} {language}", topic, from_entry(kb, entry, topic, country, language)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _read_all(fitted: sms_fit.Fitted) -> str:
    """What the person has read after asking for every page, page hints removed."""
    return "\n".join(_HINT.sub("", page) for page in [*fitted.messages, *fitted.pages])


# The knowledge base, answer by answer ------------------------------------------------------------


def test_every_answer_arrives_whole_in_one_sms_with_its_source_and_year(kb: Content) -> None:
    costs, failures = [], []
    for where, topic, answer in _answers(kb):
        fitted = sms_fit.fit(sms_fit.answer_reply(answer, topic), BUDGET)
        body = fitted.messages[0] if fitted.messages else ""
        costs.append(fitted.segments)
        source = sms.to_gsm7(answer.newest_source)
        if fitted.paged or len(fitted.messages) != 1 or sms.segments(body) > BUDGET:
            failures.append(f"{where}: {fitted.segments} segment(s), {1 + len(fitted.pages)} page(s)")
        elif sms.to_gsm7(answer.summary) not in body:
            failures.append(f"{where}: the summary is not whole")
        elif source not in body or not re.search(r"\b(19|20)\d\d\b", source):
            failures.append(f"{where}: no source name and year ({source!r})")
    print(
        f"\n{len(costs)} answers on SMS (budget {BUDGET}): median {statistics.median(costs)} segments, "
        f"largest {max(costs)}; whole {len(costs) - len(failures)}"
    )
    assert len(costs) >= 2 * 9 * 7
    assert not failures, "\n".join(failures)


def test_every_answer_stays_whole_on_first_contact(kb: Content) -> None:
    """The privacy notice never pushes the answer out: inline when it fits, else its own SMS."""
    notice = sms_fit.Part(
        "notice", ("Ruta guarda tus mensajes 90 días con un código, no con tu número. " * 2, "Aviso.")
    )
    for where, topic, answer in _answers(kb):
        fitted = sms_fit.fit(sms_fit.answer_reply(answer, topic), BUDGET, notice=notice)
        assert not fitted.paged, where
        assert any(sms.to_gsm7(answer.summary) in m for m in fitted.messages), where
        assert all(sms.segments(m) <= BUDGET for m in fitted.messages), where


def test_more_details_arrive_whole_across_pages(kb: Content) -> None:
    pages = []
    for where, topic, answer in _answers(kb):
        if not answer.more:
            continue
        fitted = sms_fit.fit(sms_fit.answer_reply(answer, topic, with_more=True), BUDGET)
        sent = [*fitted.messages, *fitted.pages]
        assert all(sms.segments(p) <= BUDGET for p in sent), where
        assert _flat(sms.to_gsm7(answer.more)) in _flat(_read_all(fitted)), where
        assert sms.to_gsm7(answer.newest_source) in sent[-1], where  # the source comes with the last page
        pages.append(len(sent))
    assert pages
    print(f"\n{len(pages)} 'more details' answers: median {statistics.median(pages)} pages, largest {max(pages)}")


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
    read = _read_all(fitted)
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
    assert _flat(sms.to_gsm7(text)) == _flat(_read_all(fitted))


def test_a_sentence_longer_than_a_page_is_split_between_words() -> None:
    words = [f"palabra{i}" for i in range(80)]
    fitted = sms_fit.fit([sms_fit.Part.text(" ".join(words))], 1)
    sent = [*fitted.messages, *fitted.pages]
    assert all(sms.segments(p) <= 1 for p in sent)
    assert _read_all(fitted).split() == words


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


def test_answer_parts_render_the_same_text_as_rest(kb: Content) -> None:
    for _, _, answer in _answers(kb):
        for with_more in (False, True):
            message = answer.message(with_more)
            assert message["text"] == answer.render(with_more)
            part = sms_fit.Part.from_message(message)
            assert part.forms[0] == message["text"]
            assert len(part.forms[-1]) <= len(part.forms[0])


def test_country_and_town_menus_are_never_shortened(kb: Content) -> None:
    assert menus.country_menu(kb).shorter("es") == []
    assert menus.after_answer_menu("asylum", True).shorter("en")[-2:] == ["1 More details, 0 Menu", "0 Menu"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("Sigue", True), ("más", True), ("MORE", True), ("1 asilo", False), ("2", False)],
)
def test_continue_words(text: str, expected: bool) -> None:
    assert sms_fit.is_continue(text) is expected


# Editors: kb validate and kb report ---------------------------------------------------------------


def test_warnings_name_the_summary_line_when_it_cannot_fit(kb: Content) -> None:
    measures = sms_fit.measure(kb, max_segments=1)
    warnings = sms_fit.warnings(measures, 1)
    assert warnings and len(warnings) == sum(not m.whole for m in measures)
    file, line = warnings[0].split(" ", 1)[0].rsplit(":", 1)
    text = (KB_PATH.parent / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert re.match(r"\s*(es|en):", text)  # the summary's own line, in the right language
    assert "RUTA_SMS_SEGMENTS" in warnings[0] and "pages" in warnings[0]


def test_validate_warns_and_report_shows_segments(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("RUTA_SMS_SEGMENTS", "1")
    assert main(["kb", "validate", str(KB_PATH)]) == 0  # a warning, never a refusal
    assert "does not fit 1 SMS segment(s)" in capsys.readouterr().out
    monkeypatch.setenv("RUTA_SMS_SEGMENTS", "3")
    assert main(["kb", "report"]) == 0
    out = capsys.readouterr().out
    assert "SMS segments per answer" in out and re.search(r"^mexico\s+\d/\d", out, re.M)


def test_report_json_has_segments_per_answer(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import json

    from bot.__main__ import main

    assert main(["kb", "report", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["sms"]
    assert data["budget"] == BUDGET and data["answers"] == len(data["entries"]) >= 126
    assert {"country", "entry", "language", "segments", "pages"} <= set(data["entries"][0])


def test_measure_reads_lines_from_the_files_it_was_given(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(KB_PATH, tmp_path / "kb")
    measures = sms_fit.measure(load(tmp_path / "kb"), 3)
    assert all(m.file.startswith("kb/") and m.line > 1 for m in measures)
