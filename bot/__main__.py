"""``python -m bot …``: the editors' and staff's command line.

kb validate [PATH]          check every knowledge-base file; exit 1 on any error
kb report [--json]          coverage, stale entries, places without contacts, SMS segments
kb schema [--out DIR]       write JSON Schemas for editors' autocompletion
nearest "town" | --lat --lon | --country C [--serves G] [--json]
                            nearest offices, shelters and help points (exit 1: unknown or
                            ambiguous town, 2: impossible request)
privacy purge [--days N]    delete conversations older than the retention period
doctor                      model age, content validity, database reachability
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from bot import locales
from bot.config import Settings

_NEEDS_CHOICE = ("unknown_town", "ambiguous")
_BROKEN = "The knowledge base has errors; run `python -m bot kb validate` first."


def _kb_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb.loader import KBError
    from bot.world import load_complete

    root = Path(args.path or settings.kb_path)
    try:
        kb = load_complete(root)
    except KBError as exc:
        for issue in exc.issues:
            print(issue)
        print(f"\n{len(exc.issues)} error(s): nothing in {root} was accepted. Fix them and run this again.")
        return 1
    for warning in kb.warnings:
        print(f"warning: {warning}")
    no_contact = [p.place.id for p in kb.places if not (p.place.phone or p.place.address or p.place.website)]
    if no_contact:
        print(
            f"warning: {len(no_contact)} of {len(kb.places)} places have no contact details yet "
            f"(fill them in only from a source): {', '.join(no_contact)}"
        )
    for warning in _sms_warnings(kb, settings):
        print(f"warning: {warning}")
    n_entries = sum(len(c.topics) for c in kb.countries.values())
    print(f"OK: {len(kb.countries)} files, {n_entries} entries, {len(kb.places)} places.")
    return 0


def _sms_measures(kb: object, settings: Settings) -> list:
    from bot import sms_report

    return sms_report.measure(kb, settings.sms_segments, settings.sms_gsm7, dated_years=settings.dated_years)


def _sms_warnings(kb: object, settings: Settings) -> list[str]:
    """Summaries that cannot arrive in one SMS of RUTA_SMS_SEGMENTS: warned, never refused."""
    from bot import sms_report

    return sms_report.warnings(_sms_measures(kb, settings), settings.sms_segments)


def _kb_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb import report

    months = args.months if args.months is not None else settings.stale_months
    kb = _load_or_say_why(Path(args.path or settings.kb_path))
    if kb is None:
        return 1
    built = report.build(kb, stale_months=months)
    from bot import sms_report

    measures = _sms_measures(kb, settings)
    if args.json:
        data = {**built.as_json(), "sms": sms_report.as_json(measures, settings.sms_segments)}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.render_text(built, months))
        print()
        print(sms_report.render_text(measures, settings.sms_segments))
    return 0


def _kb_schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.kb import schema

    for path in schema.write(Path(args.out or settings.kb_path / "schema")):
        print(f"wrote {path}")
    return 0


def _load_or_say_why(root: Path) -> Any:
    """The knowledge base with its map, or None after printing why it was refused."""
    from bot.kb.loader import KBError
    from bot.world import load

    try:
        return load(root)
    except KBError as exc:
        print(exc, file=sys.stderr)
        print(_BROKEN, file=sys.stderr)
        return None


def _nearest(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when places were found (or a general fallback); 1 when the town is unknown or
    ambiguous (the options are printed) or the knowledge base does not load; 2 when the request
    itself is wrong. With ``--json`` standard output is always a JSON list and messages for
    people go to standard error, so scripts can pipe the output safely."""
    from bot.geo.lookup import lookup
    from bot.geo.reply import as_json, render

    kb = _load_or_say_why(Path(settings.kb_path))
    if kb is None:
        return 1
    try:
        result = lookup(
            kb, town=args.town, lat=args.lat, lon=args.lon, country=args.country, serves=args.serves, limit=args.limit
        )
    except ValueError as exc:
        print(f"nearest: {exc}", file=sys.stderr)
        return 2
    code = 1 if result.status in _NEEDS_CHOICE else 0
    text = render(result, args.lang, kb)
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
        if code or result.fallback:
            print(text.splitlines()[0] if result.fallback else text, file=sys.stderr)
        return code
    print(text)
    return code


def _privacy_purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot import privacy

    days = args.days if args.days is not None else settings.retention_days
    try:
        removed = privacy.purge(args.db or settings.tracker_db_url, days)
    except privacy.DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Deleted {removed} conversation(s) with no activity in the last {days} day(s).")
    return 0


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot import doctor

    return doctor.run(settings)


def _days(raw: str) -> int:
    """A whole number of days, 0 or more (argparse reports anything else as a usage error)."""
    try:
        days = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {days}")
    return days


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Ruta tools for editors and staff.")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="knowledge base tools").add_subparsers(dest="kb_command", required=True)
    p = kb.add_parser("validate", help="check every file; exit 1 on any error")
    p.add_argument("path", nargs="?", help="knowledge base folder (default: knowledge_base/)")
    p.set_defaults(func=_kb_validate)
    p = kb.add_parser("report", help="coverage, staleness and contact gaps")
    p.add_argument("path", nargs="?")
    p.add_argument("--json", action="store_true")
    p.add_argument("--months", type=int, default=None, help="review age that counts as stale")
    p.set_defaults(func=_kb_report)
    p = kb.add_parser("schema", help="write JSON Schemas for editors")
    p.add_argument("--out", default=None)
    p.set_defaults(func=_kb_schema)

    p = sub.add_parser("nearest", help="nearest offices, shelters and help points")
    p.add_argument("town", nargs="?", help="a town in any spelling")
    p.add_argument("--lat", type=float)
    p.add_argument("--lon", type=float)
    p.add_argument("--country", default=None, help="country id, e.g. guatemala")
    p.add_argument("--serves", default=None, help="children, women, lgbti, families or returnees")
    p.add_argument("--limit", type=int, default=3)
    p.add_argument("--lang", default=locales.DEFAULT, choices=locales.languages())
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_nearest)

    privacy = sub.add_parser("privacy", help="privacy tools").add_subparsers(dest="privacy_command", required=True)
    p = privacy.add_parser("purge", help="delete conversations older than the retention period")
    p.add_argument("--days", type=_days, default=None, help="0 or more (default: RUTA_RETENTION_DAYS)")
    p.add_argument("--db", default=None, help="tracker store URL (default: RUTA_DB_URL)")
    p.set_defaults(func=_privacy_purge)

    p = sub.add_parser("doctor", help="is everything in order?")
    p.set_defaults(func=_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args, Settings.from_env()))


if __name__ == "__main__":
    sys.exit(main())
