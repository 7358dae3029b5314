"""A knowledge base that lost a country file is refused, naming the file.

Why: the loader takes the country files it finds (a country is its file), so a tree without,
say, ``guatemala.yml`` loads. But a country file that disappears from a running Ruta (deleted
by mistake, a failed sync) would silently take that country's emergency number and every answer
with it: an emergency in Guatemala would list no 110. So a tree is refused, and the last good one
keeps serving, when it lacks a country file that

- was served before by this process (``served_before``: the countries of the tree in use), or
- its own content declares: ``places/<country>.yml`` or ``towns/<country>.yml`` is there.

A country is removed on purpose by removing its places and towns files too, then restarting.
``bot.world.load_complete`` is the loader with this check.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.kb import REGIONAL
from bot.kb.reader import Issue


def missing_countries(root: Path, served_before: Iterable[str] = ()) -> list[Issue]:
    """One issue per country file the tree at ``root`` must have but lacks."""
    root = Path(root)
    before = set(served_before)
    declared_by_content = {path.stem for folder in ("places", "towns") for path in (root / folder).glob("*.yml")}
    issues = []
    for cid in sorted(before | declared_by_content | {REGIONAL}):
        if (root / f"{cid}.yml").exists():
            continue  # present (an invalid file is the loader's error, not this one)
        declared = [f"{folder}/{cid}.yml" for folder in ("places", "towns") if (root / folder / f"{cid}.yml").exists()]
        reasons = []
        if cid in before:
            reasons.append("it was being served until now")
        if declared:
            reasons.append(f"{' and '.join(declared)} still refer to it")
        if reasons:
            issues.append(
                Issue(
                    f"{root.name}/{cid}.yml",
                    1,
                    f"is missing, but {'; '.join(reasons)}: restore the file (to remove a country on purpose, "
                    "remove its places and towns files too and restart)",
                )
            )
    return issues
