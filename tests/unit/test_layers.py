"""Imports point one way: every module of ``bot/`` and ``actions/`` imports only its own layer or lower ones.

Why a test: a backward import (content code reaching for the map code, geography reaching for
the dialogue's menus) is one line, easy to add and hard to see in review, and it ties layers that
must change alone. The import statements are read with ``ast`` (imports inside functions count
too), so the check needs nothing installed and imports nothing. A module that belongs to no layer
fails too: a new module needs a decision about where it sits.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "base: text, configuration, locales, SMS arithmetic, privacy",
        (
            "bot",
            "bot.text",
            "bot.config",
            "bot.locales",
            "bot.phrases",
            "bot.logcap",
            "bot.privacy",
            "bot.replay",
            "bot.retention",
            "bot.sms",
            "bot.sms_pages",
            "bot.supervise",
        ),
    ),
    ("content: the knowledge base's files", ("bot.kb",)),
    ("geography: towns, distances, place lists", ("bot.geo",)),
    ("world: content joined with geography, kept live", ("bot.world",)),
    ("understanding: what a message says", ("bot.language", "bot.understand", "bot.nlu", "bot.nlu.entities")),
    (
        "dialogue: what to say back, in each channel's shape",
        ("bot.menus", "bot.dialogue", "bot.sms_fit", "bot.sms_report", "bot.fallback"),
    ),
    ("edges: Rasa (bot.rasa, actions) and the command line", ("actions", "bot.rasa", "bot.doctor", "bot.__main__")),
)
"""Lowest first. A prefix covers its package ("bot.kb" is every module of bot/kb/); the longest
matching prefix decides."""

RASA = ("rasa", "rasa_sdk", "sanic")
"""Packages only the Rasa boundary may import: ``bot.rasa`` and the action server's ``actions``."""
BOUNDARY = ("bot.rasa", "actions")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(path): path
    for folder in ("bot", "actions")
    for path in sorted((ROOT / folder).rglob("*.py"))
    if "__pycache__" not in path.parts
}


def layer_of(module: str) -> int | None:
    """The index of the layer ``module`` belongs to (longest matching prefix), or None."""
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + ".") and prefix != "bot":
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    return best[1] if best else None


def imported(path: Path) -> set[str]:
    """Ruta modules ``path`` imports: ``from bot import locales`` is ``bot.locales``, not ``bot``."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {name for name in found if name.split(".")[0] in ("bot", "actions")}


def test_every_module_has_a_layer() -> None:
    assert MODULES, "no modules found: the test is looking in the wrong place"
    homeless = [name for name in MODULES if layer_of(name) is None]
    assert not homeless, f"give these modules a layer in tests/unit/test_layers.py: {homeless}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    own = layer_of(module)
    assert own is not None
    upward = sorted(
        f"{target} ({LAYERS[layer][0].split(':')[0]})"
        for target in imported(MODULES[module])
        if (layer := layer_of(target)) is not None and layer > own
    )
    assert not upward, f"{module} ({LAYERS[own][0].split(':')[0]}) imports a higher layer: {upward}"


def _third_party(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_boundary_imports_rasa(module: str) -> None:
    inside = any(module == b or module.startswith(b + ".") for b in BOUNDARY)
    used = sorted(_third_party(MODULES[module]) & set(RASA))
    assert inside or not used, f"{module} imports {used}: move it under bot/rasa/ (see bot/rasa/__init__.py)"


def test_the_check_sees_a_backward_import() -> None:
    """The walker itself: a content module importing geography would be caught."""
    assert layer_of("bot.kb.loader") < layer_of("bot.geo.gazetteer")  # type: ignore[operator]
    assert layer_of("bot.nlu.entities") < layer_of("bot.rasa.gazetteer_extractor")  # type: ignore[operator]
    assert "rasa" in _third_party(ROOT / "bot" / "rasa" / "locks.py")
    assert "bot.locales" in imported(ROOT / "bot" / "phrases.py")
