"""``python -m bot nearest``: text, JSON and exit codes (``bot.__main__``), over the synthetic places."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.__main__ import main
from bot.world import KnowledgeBase
from tests.unit.geo.synthetic import JSON_KEYS


@pytest.fixture()
def nearest(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """``python -m bot nearest ARGS`` over the synthetic knowledge base; returns the exit code."""
    monkeypatch.setenv("RUTA_KB_PATH", str(kb.root))
    return lambda *args: main(["nearest", *args])


def test_json(nearest: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert nearest("tapachula", "--json") == 0
    items = json.loads(capsys.readouterr().out)
    assert items[0]["kind"] == "asylum_office" and items[0]["city"] == "Tapachula"
    assert nearest("--lat", "14.9", "--lon", "-92.26", "--json") == 0
    assert set(json.loads(capsys.readouterr().out)[0]) == JSON_KEYS


def test_text_and_exit_codes(nearest: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert nearest("Tapachula", "--serves", "children") == 0
    assert "Albergue para niñez Tapachula" in capsys.readouterr().out.splitlines()[1]
    assert nearest("San Marcos") == 1
    assert "2. San Marcos" in capsys.readouterr().out
    assert nearest("Xyzzyville Qwerty") == 1
    assert '"Xyzzyville Qwerty"' in capsys.readouterr().out
    assert nearest("San Marcos", "--json") == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and "San Marcos" in captured.err
    assert nearest("Tapachula", "--lat", "1.0", "--lon", "1.0") == 2


def test_english_and_a_group(nearest: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert nearest("Tecun Uman", "--serves", "children", "--lang", "en") == 0
    assert capsys.readouterr().out.startswith("Nearest places to Tecún Umán:")


def test_a_broken_knowledge_base_exits_1(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUTA_KB_PATH", str(tmp_path))  # no sources.yml: refused
    assert main(["nearest", "Tapachula"]) == 1
    assert "kb validate" in capsys.readouterr().err
