"""Delete conversations older than the retention period, every few hours, for as long as Ruta runs.

``python -m bot.retention`` (``make serve`` and ``make shell`` run it beside Rasa). Why: the first
reply promises people their messages are kept ``RUTA_RETENTION_DAYS`` days; that promise cannot
depend on an operator remembering to add ``privacy purge`` to cron. Every ``RUTA_PURGE_EVERY_HOURS``
(24; 0 turns this off, for deployments that purge otherwise) it runs ``privacy.purge`` once, at
start first; if the database cannot be reached it says so and tries again ``RETRY_SECONDS`` later.
Several servers may each run it: a purge deletes whole idle conversations, so running it twice
deletes nothing more.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from bot import privacy
from bot.config import Settings, _int

RETRY_SECONDS = 600.0
"""After a failed purge (database down), the next attempt."""

logger = logging.getLogger("bot.retention")


def purge_once(settings: Settings) -> bool:
    """One purge; True when it ran (whatever it deleted), False when the database was unavailable."""
    try:
        removed = privacy.purge(settings.tracker_db_url, settings.retention_days)
    except privacy.DatabaseUnavailable as exc:
        logger.error("Retention purge not done: %s Trying again in %.0f minutes.", exc, RETRY_SECONDS / 60)
        return False
    logger.info(
        "Retention: deleted %d conversation(s) idle for more than %d day(s).", removed, settings.retention_days
    )
    return True


def run(settings: Settings, every_hours: float, stop: threading.Event) -> None:
    """Purge now, then every ``every_hours`` hours until ``stop`` is set."""
    while not stop.is_set():
        wait = every_hours * 3600 if purge_once(settings) else RETRY_SECONDS
        stop.wait(wait)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description=__doc__.splitlines()[0])
    parser.add_argument("--every-hours", type=float, default=None, help="default: RUTA_PURGE_EVERY_HOURS or 24")
    args = parser.parse_args(argv)
    every = args.every_hours if args.every_hours is not None else float(_int("RUTA_PURGE_EVERY_HOURS", 24))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if every <= 0:  # stay up until stopped, so a supervisor does not start it again and again
        logger.info("Retention purge is off (RUTA_PURGE_EVERY_HOURS=0): purge conversations some other way.")
        while not stop.wait(60):
            pass
        return 0
    run(Settings.from_env(), every, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
