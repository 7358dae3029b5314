"""The editors' report: how current each country's answers are (issue 11), as JSON and as a table.

The counting rules run on a small knowledge base written to ``tmp_path`` with sources of chosen
years, so each boundary (2023 counts as current, 2022 does not; 2020 is "nothing newer than the
seeds", 2021 is not) is tested on purpose. The real knowledge base is checked for consistency only,
since content writers are still filling it.

Run: .venv/bin/python -m pytest tests/unit/test_kb_report.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.kb import report
from bot.kb.loader import Content, KBError, load
from tests.conftest import country_stub

REAL_KB = Path(__file__).resolve().parents[2] / "knowledge_base"
BELIZE_SEARCHED = "Searched Belize Refugees Department and UNHCR Help Belize pages (2023-2026): none found."


def _entry(*sources: str) -> dict:
    return {
        "summary": {"es": "Texto de prueba.", "en": "Test text."},
        "sources": [{"id": s, "where": "synthetic"} for s in sources],
        "last_reviewed": "2026-01-01",
    }


def _question(qid: str, topic: str, *sources: str) -> dict:
    return {
        "id": qid,
        "topic": topic,
        "ask": {
            "es": [f"{qid} pregunta {n}" for n in range(4)],
            "en": [f"{qid} question {n}" for n in range(4)],
        },
        **_entry(*sources),
    }


def _place(pid: str, city: str, **extra: object) -> dict:
    return {
        "id": pid,
        "name": pid,
        "kind": "help_point",
        "does": {"es": "(2024) Ayuda.", "en": "(2024) Helps."},
        "serves": ["all"],
        "city": city,
        "precision": "city",
        "sources": [{"id": "src-2024", "where": "synthetic"}],
        "last_reviewed": "2026-01-01",
        **extra,
    }


def write_kb(root: Path) -> Path:
    """Mexico: 5 current entries (one only through its newer source), Belize: 1 current and a
    `no_current_source` sentence, regional: none current and no sentence. JSON is valid YAML."""
    root.mkdir(parents=True, exist_ok=True)
    years = {"src-2016": 2016, "src-2020": 2020, "src-2021": 2021, "src-2022": 2022, "src-2023": 2023, "src-2024": 2024}
    sources = [{"id": k, "title": k, "short": k, "publisher": "tests", "year": y} for k, y in years.items()]
    files = {
        "sources": {"sources": sources},
        "mexico": {
            **country_stub("mexico"),
            "topics": {
                "asylum": _entry("src-2016", "src-2024"),  # current: the newest source counts, not the oldest
                "documents": _entry("src-2023"),  # current: 2023 is the first current year
                "work_permit": _entry("src-2022"),  # not current, not old
                "health": _entry("src-2020"),  # old
                "education": _entry("src-2021"),  # neither
            },
            "questions": [
                _question("wait_time", "asylum", "src-2024"),
                _question("fees", "asylum", "src-2023"),
                _question("appeal", "asylum", "src-2016", "src-2023"),
            ],
        },
        "belize": {
            **country_stub("belize"),
            "no_current_source": BELIZE_SEARCHED,
            "topics": {"asylum": _entry("src-2024"), "documents": _entry("src-2016")},
            "questions": [_question("wait_time", "asylum", "src-2020")],
        },
        "regional": {
            "country": "regional",
            "name": {"es": "Toda la región", "en": "Whole region"},
            "topics": {"right_to_asylum": _entry("src-2020")},
        },
    }
    for name, body in files.items():
        (root / f"{name}.yml").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    (root / "towns").mkdir(exist_ok=True)
    for country in ("mexico", "belize"):  # towns of countries without a file here would be refused
        if (REAL_KB / "towns" / f"{country}.yml").exists():
            shutil.copy(REAL_KB / "towns" / f"{country}.yml", root / "towns")
    (root / "places").mkdir(exist_ok=True)
    mexico = [
        _place("mx-phone", "Tapachula", phone="962 000 0000"),
        _place("mx-web", "Tapachula", website="https://example.org"),
        _place("mx-hours-only", "Tapachula", hours="9-14"),  # hours alone are not a way to reach a place
        _place(
            "mx-exact", "Tapachula", precision="exact", lat=14.9, lon=-92.26, coordinates_source="synthetic test point"
        ),
    ]
    belize = [_place("bz-none", "Belmopan")]
    for country, items in {"mexico": mexico, "belize": belize}.items():
        body = {"country": country, "places": items}
        (root / "places" / f"{country}.yml").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Content:
    return load(write_kb(tmp_path_factory.mktemp("kb")))


@pytest.fixture(scope="module")
def built(kb: Content) -> dict:
    return report.build(kb).as_json()


def test_per_country_counts(built: dict) -> None:
    mexico = built["countries"]["mexico"]
    assert {k: mexico[k] for k in ("topics", "questions", "current", "places", "places_with_contact")} == {
        "topics": 5,
        "questions": 3,
        "current": 5,  # asylum, documents, wait_time, fees, appeal
        "places": 4,
        "places_with_contact": 2,
    }
    belize = built["countries"]["belize"]
    assert (belize["topics"], belize["questions"], belize["current"], belize["places_with_contact"]) == (2, 1, 1, 0)
    assert set(built["countries"]) == {"mexico", "belize", "regional"}  # files that do not exist are not rows


def test_five_current_entries_need_no_explanation(built: dict) -> None:
    assert "no_current_source" not in built["countries"]["mexico"]


def test_a_country_under_five_current_carries_its_own_sentence(built: dict) -> None:
    assert built["countries"]["belize"]["no_current_source"] == BELIZE_SEARCHED


def test_a_missing_sentence_is_reported_as_missing(built: dict) -> None:
    sentence = built["countries"]["regional"]["no_current_source"]
    assert "knowledge_base/regional.yml" in sentence and "no_current_source" in sentence


def test_overall_figures(built: dict) -> None:
    assert built["questions"] == 4
    assert built["current"] == 6
    assert built["places_exact"] == 1
    assert built["places_with_contact"] == 2
    # the older keys stay for existing tools
    assert built["entries"] == 8 and built["offices"] == 5 and built["offices_exact"] == 1


def test_entries_with_nothing_newer_than_2020(built: dict) -> None:
    old = {(item["country"], item["entry"], item["newest_source_year"]) for item in built["no_source_after_2020"]}
    assert old == {
        ("mexico", "topic:health", 2020),
        ("belize", "topic:documents", 2016),
        ("belize", "question:wait_time", 2020),
        ("regional", "topic:right_to_asylum", 2020),
    }


def test_the_table_says_the_same(kb: Content) -> None:
    text = report.render_text(report.build(kb), 6)
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line[:12].strip() in ("mexico", "total")}
    assert rows["mexico"][-5:] == ["5", "3", "5", "4", "2"]
    assert rows["total"] == ["8", "4", "6", "5", "2"]
    assert "No source newer than 2020: 4 entries" in text
    assert "belize: topic:documents (2016), question:wait_time (2020)" in text
    assert f"belize: {BELIZE_SEARCHED}" in text
    assert "Places with exact coordinates: 1" in text


def test_cli_json_and_text(kb: Content, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main

    assert main(["kb", "report", "--json", str(kb.root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["countries"]["belize"]["no_current_source"] == BELIZE_SEARCHED and data["questions"] == 4
    assert main(["kb", "report", str(kb.root)]) == 0
    assert "Current sources" in capsys.readouterr().out


def test_real_kb_report_adds_up() -> None:
    try:
        real = load(REAL_KB)
    except KBError as exc:
        pytest.skip(f"the real knowledge base does not load yet ({len(exc.issues)} error(s))")
    data = report.build(real).as_json()
    rows = data["countries"].values()
    assert data["questions"] == sum(r["questions"] for r in rows)
    assert data["current"] == sum(r["current"] for r in rows)
    assert data["places_with_contact"] == sum(r["places_with_contact"] for r in rows)
    for country, row in data["countries"].items():
        assert ("no_current_source" in row) == (row["current"] < report.MIN_CURRENT), country
