"""The validator accepts the shipped content and names file, line and field for each mistake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.kb import TOPICS
from bot.kb.loader import KBError
from bot.world import load
from tests.conftest import KB, shipped_countries


def _errors(root: Path) -> list[str]:
    with pytest.raises(KBError) as caught:
        load(root)
    return [str(issue) for issue in caught.value.issues]


def test_shipped_content_is_valid_and_complete() -> None:
    kb = load(KB)
    assert kb.country_ids == tuple(sorted(shipped_countries(), key=lambda c: kb.countries[c].menu_order))
    for country in kb.country_ids:
        for topic in TOPICS:
            entry = kb.entry(country, topic)
            assert entry is not None, f"{country} lacks {topic}"
            assert entry.summary.es and entry.summary.en


def _sub_after(path: Path, after: str, pattern: str, new: str) -> None:
    """Replace the first match of ``pattern`` (multi-line regex) after the line ``after``: robust to
    editors moving dates and wording, which fixed strings are not."""
    text = path.read_text(encoding="utf-8")
    start = text.index(after)
    head, tail = text[:start], text[start:]
    tail, replaced = re.subn(pattern, new, tail, count=1, flags=re.MULTILINE)
    assert replaced == 1, f"no {pattern!r} after {after!r} in {path}"
    path.write_text(head + tail, encoding="utf-8")


def test_cli_validate_exit_codes(kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "validate", str(kb_copy)]) == 0
    _sub_after(kb_copy / "mexico.yml", "\ntopics:", r"^(\s+last_reviewed: )\d{4}-\d{2}-\d{2}$", r"\g<1>2026-02-30")
    assert main(["kb", "validate", str(kb_copy)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"knowledge_base/mexico\.yml:\d+ topic \"\w+\": `last_reviewed`", out), out
    assert "nothing in" in out


def test_missing_english_text_names_file_line_and_topic(kb_copy: Path) -> None:
    path = kb_copy / "mexico.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "work_permit:")
    en_line = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("en:"))
    del lines[en_line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _errors(kb_copy)
    assert any(
        re.fullmatch(r'knowledge_base/mexico\.yml:\d+ topic "work_permit": the English text of `summary` is missing', e)
        for e in errors
    ), errors


def test_too_long_summary_unknown_source_and_misspelt_field(kb_copy: Path) -> None:
    path = kb_copy / "panama.yml"
    text = path.read_text(encoding="utf-8")
    first_es = re.search(r'(\n\s+summary:\n\s+es: ")', text)
    assert first_es
    text = text.replace(first_es.group(1), first_es.group(1) + "x" * 320, 1)
    text = text.replace("last_reviewed:", "last_reveiwed:", 1)
    path.write_text(text, encoding="utf-8")
    _sub_after(kb_copy / "costa_rica.yml", "\ntopics:", r"\{id: [a-z0-9][a-z0-9\-]*,", "{id: no-such-source,")
    errors = "\n".join(_errors(kb_copy))
    assert "characters long; a summary must fit in 300" in errors
    assert 'source "no-such-source" is not declared' in errors
    assert "`last_reveiwed` is not a known field (check the spelling)" in errors
    assert "`last_reviewed` is missing" in errors


def test_broken_yaml_reports_its_line(kb_copy: Path) -> None:
    path = kb_copy / "belize.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "  bad: [unclosed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = _errors(kb_copy)
    assert any(e.startswith("knowledge_base/belize.yml:") and "is not valid YAML" in e for e in errors), errors


def test_exact_coordinates_must_lie_inside_the_country(kb_copy: Path) -> None:
    path = kb_copy / "places" / "panama.yml"
    text = path.read_text(encoding="utf-8")
    found = re.search(r"^( +)precision: city$", text, flags=re.MULTILINE)  # a place's field, not a comment
    assert found, f"no place with precision: city in {path}"
    indent, rest = found.group(1), text[found.end() :]
    rest = re.sub(r"^ +lat: null\n", "", rest, count=1, flags=re.MULTILINE)
    rest = re.sub(r"^ +lon: null\n", "", rest, count=1, flags=re.MULTILINE)
    fields = ("precision: exact", "lat: 14.9", "lon: -92.26", "coordinates_source: test")
    exact = "\n".join(indent + field for field in fields)
    path.write_text(text[: found.start()] + exact + rest, encoding="utf-8")
    errors = "\n".join(_errors(kb_copy))
    assert "14.9, -92.26 is not inside panama" in errors


def test_duplicate_place_ids_and_unknown_towns(kb_copy: Path) -> None:
    path = kb_copy / "places" / "mexico.yml"
    text = path.read_text(encoding="utf-8")
    first_id = re.search(r"- id: ([a-z0-9\-]+)", text)
    second = re.findall(r"- id: ([a-z0-9\-]+)", text)[1]
    assert first_id
    text = text.replace(f"- id: {second}", f"- id: {first_id.group(1)}", 1)
    text = re.sub(r'city: "?Tenosique"?', 'city: "Zzyzxville"', text, count=1)
    path.write_text(text, encoding="utf-8")
    errors = "\n".join(_errors(kb_copy))
    assert "the id is used twice" in errors
    assert 'town "Zzyzxville" not found in mexico' in errors


def test_report_json_shape_and_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["kb", "report", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"entries", "missing", "stale", "offices"}
    assert report["missing"] == []
    assert report["entries"] >= len(shipped_countries()) * len(TOPICS)
    assert report["offices"] > 0


def test_report_lists_stale_entries(kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = kb_copy / "honduras.yml"  # any review date: editors move them forward
    old = path.read_text(encoding="utf-8")
    text, replaced = re.subn(r"last_reviewed: \d{4}-\d{2}-\d{2}", "last_reviewed: 2024-01-15", old, count=1)
    assert replaced == 1
    path.write_text(text, encoding="utf-8")
    assert main(["kb", "report", str(kb_copy), "--json", "--months", "6"]) == 0
    import json

    stale = json.loads(capsys.readouterr().out)["stale"]
    assert any(item["country"] == "honduras" and item["last_reviewed"] == "2024-01-15" for item in stale)


def test_schema_files_are_written(tmp_path: Path) -> None:
    import json

    assert main(["kb", "schema", "--out", str(tmp_path)]) == 0
    schema = json.loads((tmp_path / "country.schema.json").read_text())
    assert "topics" in schema["properties"]
