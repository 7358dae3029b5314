"""Read YAML keeping line numbers, and turn a pydantic error path into a line.

Editors fix what they can find: every message says ``file:line``. ruamel.yaml's round-trip loader
(already a Rasa dependency) records where each key and item starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence, Union

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor

Loc = Sequence[Union[str, int]]


class _DatesAsText(RoundTripConstructor):
    """Leave dates as text so a bad one ("2026-02-30") becomes a field error with its line."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: str(self.construct_scalar(node)))


def read(path: Path) -> Any:
    """Parse one YAML file; raises ruamel's errors, which carry a line number."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle)


def line_of(data: Any, loc: Loc) -> int:
    """1-based line of the deepest node on ``loc`` that exists in ``data``."""
    line, node = 1, data
    for step in loc:
        if isinstance(node, CommentedMap) and step in node:
            line = node.lc.key(step)[0] + 1
            node = node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            line = node.lc.item(step)[0] + 1
            node = node[step]
        else:
            break
    return line


def plain(data: Any) -> Any:
    """ruamel's commented containers as plain dicts/lists (pydantic and json like those better)."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data
