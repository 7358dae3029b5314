"""Every answer of the knowledge base on SMS (``bot.sms_report``): whole in one message, whole on first
contact, 'more details' whole across pages, and what ``kb validate`` and ``kb report`` say about it.

The tests walk whatever entries the loaded knowledge base has (topic entries, and question entries
when the files have them), in both languages, through the same fitting the Twilio channel uses, and
print what each reply costs.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

from bot import sms, sms_fit, sms_report
from bot.config import Settings
from bot.kb import LANGUAGES
from bot.kb.answer import entries, from_entry
from bot.kb.loader import Content, load
from tests.unit.test_sms_fit import flat, read_all

BUDGET = Settings.from_env().sms_segments  # RUTA_SMS_SEGMENTS, 3 by default
KB_PATH = Settings.from_env().kb_path  # RUTA_KB_PATH, the repository's knowledge_base/ by default


@pytest.fixture(scope="module")
def kb() -> Content:
    return load(KB_PATH)


def _answers(kb: Content):
    for country, topic, key, _, entry in entries(kb):
        for language in LANGUAGES:
            yield f"{country} {key} {language}", topic, from_entry(kb, entry, topic, country, language)


# The knowledge base, answer by answer -------------------------------------------------------------


def test_every_answer_arrives_whole_in_one_sms_with_its_source_and_year(kb: Content) -> None:
    costs, failures = [], []
    for where, topic, answer in _answers(kb):
        fitted = sms_fit.fit(sms_report.answer_reply(answer, topic), BUDGET)
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
        fitted = sms_fit.fit(sms_report.answer_reply(answer, topic), BUDGET, notice=notice)
        assert not fitted.paged, where
        assert any(sms.to_gsm7(answer.summary) in m for m in fitted.messages), where
        assert all(sms.segments(m) <= BUDGET for m in fitted.messages), where


def test_more_details_arrive_whole_across_pages(kb: Content) -> None:
    pages = []
    for where, topic, answer in _answers(kb):
        if not answer.more:
            continue
        fitted = sms_fit.fit(sms_report.answer_reply(answer, topic, with_more=True), BUDGET)
        sent = [*fitted.messages, *fitted.pages]
        assert all(sms.segments(p) <= BUDGET for p in sent), where
        assert flat(sms.to_gsm7(answer.more)) in flat(read_all(fitted)), where
        assert sms.to_gsm7(answer.newest_source) in sent[-1], where  # the source comes with the last page
        pages.append(len(sent))
    assert pages
    print(f"\n{len(pages)} 'more details' answers: median {statistics.median(pages)} pages, largest {max(pages)}")


def test_answer_parts_render_the_same_text_as_rest(kb: Content) -> None:
    for _, _, answer in _answers(kb):
        for with_more in (False, True):
            message = answer.message(with_more)
            assert message["text"] == answer.render(with_more)
            part = sms_fit.Part.from_message(message)
            assert part.forms[0] == message["text"]
            assert len(part.forms[-1]) <= len(part.forms[0])


# Editors: kb validate and kb report ---------------------------------------------------------------


def test_warnings_name_the_summary_line_when_it_cannot_fit(kb: Content) -> None:
    measures = sms_report.measure(kb, max_segments=1)
    warnings = sms_report.warnings(measures, 1)
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
    measures = sms_report.measure(load(tmp_path / "kb"), 3)
    assert all(m.file.startswith("kb/") and m.line > 1 for m in measures)
