"""Read YAML fast, and turn a pydantic error path into a line when there is something to report.

Editors fix what they can find: every message says ``file:line``. ruamel.yaml's round-trip loader
(already a Rasa dependency) records where each key and item starts, but it is pure Python: on the
2026 content (22 files, 20,000 nodes) it took 7-14 s, which made a live edit wait that long.
So files are read with PyYAML's C loader (libyaml), and a file is parsed again with ruamel only
when a message needs one of its line numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence, Union

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor

Loc = Sequence[Union[str, int]]


class _DatesAsText(RoundTripConstructor):
    """Leave dates as text so a bad one ("2026-02-30") becomes a field error with its line."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: str(self.construct_scalar(node)))


_FastLoader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)


class _FastDatesAsText(_FastLoader):  # type: ignore[misc, valid-type]
    """The same rule as :class:`_DatesAsText`, for the fast loader."""


_FastDatesAsText.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: str(self.construct_scalar(node)))


class Document(dict):
    """A file's top-level mapping, read fast; its line numbers are computed on first use."""

    def __init__(self, path: Path, data: dict):
        super().__init__(data)
        self.path = path
        self._lines: Any = None

    def lines(self) -> Any:
        """The same file through ruamel's round-trip loader, which knows every node's line."""
        if self._lines is None:
            self._lines = read_with_lines(self.path)
        return self._lines


def read(path: Path) -> Any:
    """Parse one YAML file; a mapping comes back as a :class:`Document`. Syntax errors carry
    ``problem_mark`` (line) and ``problem``, from either loader."""
    with path.open(encoding="utf-8") as handle:
        data = pyyaml.load(handle, Loader=_FastDatesAsText)  # noqa: S506 (a safe loader)
    return Document(path, data) if isinstance(data, dict) else data


def read_with_lines(path: Path) -> Any:
    """Parse one YAML file keeping line numbers (slow: only when a message needs them)."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle)


def line_of(data: Any, loc: Loc) -> int:
    """1-based line of the deepest node on ``loc`` that exists in ``data``."""
    if isinstance(data, Document):
        data = data.lines()
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
