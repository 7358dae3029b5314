"""Settings from the environment, with the documented defaults in one place.

Secrets (Twilio token, pseudonym key) are only read from the environment; the development
fallbacks are explicit and announce themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw.strip() else default
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Everything configurable; see README "Configuration"."""

    kb_path: Path
    tracker_db_url: str
    stale_months: int
    dated_years: int
    retention_days: int
    sms_segments: int
    sms_gsm7: bool
    locales_path: Path = ROOT / "bot" / "locales"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            kb_path=Path(os.environ.get("RUTA_KB_PATH", ROOT / "knowledge_base")),
            tracker_db_url=os.environ.get("RUTA_DB_URL", f"sqlite:///{ROOT / 'ruta.db'}"),
            stale_months=_int("RUTA_STALE_MONTHS", 6),
            dated_years=_int("RUTA_DATED_YEARS", 2),
            retention_days=_int("RUTA_RETENTION_DAYS", 90),
            sms_segments=_int("RUTA_SMS_SEGMENTS", 3),
            sms_gsm7=os.environ.get("RUTA_SMS_GSM7", "1") not in ("0", "false", "no"),
            locales_path=Path(os.environ.get("RUTA_LOCALES_PATH", ROOT / "bot" / "locales")),
        )
