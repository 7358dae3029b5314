"""``python -m bot nearest``: the nearest offices, shelters and help points, for staff and tests.

    python -m bot nearest "Tapachula" [--serves children] [--json]
    python -m bot nearest --lat 14.9 --lon -92.26 --json
    python -m bot nearest --country guatemala

Exit codes: 0 places found (or a general fallback); 1 the town is unknown or ambiguous (the
options are printed), or the knowledge base does not load; 2 the request itself is wrong.
With ``--json`` standard output is always a JSON list (empty when there is nothing to list), and
messages for people go to standard error, so scripts can pipe the output safely.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.config import Settings
from bot.geo.lookup import lookup
from bot.geo.reply import as_json, render
from bot.kb.loader import KBError, load

_NEEDS_CHOICE = ("unknown_town", "ambiguous")


def run(args: argparse.Namespace, settings: Settings) -> int:
    lang = getattr(args, "lang", "es") or "es"
    try:
        kb = load(Path(settings.kb_path))
    except KBError as exc:
        print(exc, file=sys.stderr)
        print("The knowledge base has errors; run `python -m bot kb validate` first.", file=sys.stderr)
        return 1
    try:
        result = lookup(
            kb,
            town=args.town,
            lat=args.lat,
            lon=args.lon,
            country=args.country,
            serves=args.serves,
            limit=args.limit,
        )
    except ValueError as exc:
        print(f"nearest: {exc}", file=sys.stderr)
        return 2
    code = 1 if result.status in _NEEDS_CHOICE else 0
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
        if code or result.fallback:
            text = render(result, lang, kb)
            print(text.splitlines()[0] if result.fallback else text, file=sys.stderr)
        return code
    print(render(result, lang, kb))
    return code
