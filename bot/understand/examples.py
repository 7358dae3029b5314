"""The training examples of ``data/nlu`` as plain (intent, text) pairs.

The danger classifier and the topic retriever learn from the same examples as Rasa's model, so
there is one place to add a way people write; they train in about a second when the action
server starts, which keeps them free of Rasa's training run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import ROOT

NLU_DIR = ROOT / "data" / "nlu"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def plain(example: str) -> str:
    """An example without Rasa's entity annotations: "[guate](country)" → "guate"."""
    return _ANNOTATION.sub(r"\1", example).strip()


@lru_cache(maxsize=4)
def load(directory: Path = NLU_DIR) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for path in sorted(Path(directory).rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []) or []:
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    pairs.append((intent, plain(line[2:])))
    return tuple(pairs)
