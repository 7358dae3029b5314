"""Reading knowledge-base files into models, with every problem as ``file:line`` in an editor's words.

Why one reader collects everything: an editor fixes a whole file in one pass when every mistake
(each with its line and field, "topic \"work_permit\": the English text is missing") is listed at
once, and a knowledge base with any error is refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Type

from pydantic import BaseModel, ValidationError

from bot.kb import yaml_lines

_LANG_NAMES = {"es": "Spanish", "en": "English"}


@dataclass(frozen=True)
class Issue:
    """One problem an editor must fix (or, as a warning, should know about)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.message}"


class KBError(Exception):
    """The knowledge base was refused; ``issues`` lists every reason."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(map(str, issues)))


def rel(path: Path, root: Path) -> str:
    """``knowledge_base/places/mexico.yml``: the path an editor sees, from the folder's own name."""
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _describe(loc: tuple, msg: str, kind: str) -> str:
    """A pydantic error path in an editor's words: 'topic "work_permit": the English text is missing'."""
    parts = [part for part in loc if part != "__root__"]  # a model-wide check names its model
    context = ""
    if len(parts) >= 2 and parts[0] == "topics":
        context = f'topic "{parts[1]}": '
        parts = parts[2:]
    elif len(parts) >= 2 and parts[0] == "questions" and isinstance(parts[1], int):
        context = f"question #{parts[1] + 1}: "
        parts = parts[2:]
    elif len(parts) >= 2 and parts[0] in ("places", "towns", "sources") and isinstance(parts[1], int):
        context = f"{parts[0][:-1]} #{parts[1] + 1}: "
        parts = parts[2:]
    if parts and parts[-1] in _LANG_NAMES:
        what = f"the {_LANG_NAMES[parts[-1]]} text"
        if len(parts) > 1:
            what += f" of `{'.'.join(map(str, parts[:-1]))}`"
    else:
        what = f"`{'.'.join(map(str, parts))}`" if parts else "this entry"
    if kind == "value_error.missing":
        return f"{context}{what} is missing"
    if kind == "value_error.extra":
        return f"{context}{what} is not a known field (check the spelling)"
    return f"{context}{what} {msg}"


class Reader:
    """Collects issues while reading files, so one run reports every problem at once."""

    def __init__(self, root: Path):
        self.root = root
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []

    def parse(self, path: Path, model: Type[BaseModel]) -> tuple[Any | None, Any]:
        name = rel(path, self.root)
        try:
            raw = yaml_lines.read(path)
        except Exception as exc:  # ruamel raises many classes; all carry a problem_mark
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.issues.append(Issue(name, line, f"is not valid YAML: {problem}"))
            return None, None
        if not isinstance(raw, dict):
            self.issues.append(Issue(name, 1, "is empty or not a YAML mapping"))
            return None, raw
        try:
            return model.parse_obj(yaml_lines.plain(raw)), raw
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                self.issues.append(Issue(name, yaml_lines.line_of(raw, loc), _describe(loc, err["msg"], err["type"])))
            return None, raw

    def error(self, path: Path, raw: Any, loc: tuple, message: str) -> None:
        self.issues.append(Issue(rel(path, self.root), yaml_lines.line_of(raw, loc), message))

    def warn(self, path: Path, raw: Any, loc: tuple, message: str) -> None:
        self.warnings.append(Issue(rel(path, self.root), yaml_lines.line_of(raw, loc), message))
