"""Every log line is capped in length, whoever writes it (Ruta, Rasa, Sanic, SQLAlchemy).

Why: a log line can carry what a person wrote (a library's error message quoting the request,
a debug line with the text, a tracker in an exception). One 10 MB message must not become 10 MB
of log, and a person's whole text should not sit in log files. Installing a LogRecord factory
caps the formatted message of every record, whichever handler or formatter Rasa configures
later; tracebacks are formatted separately by handlers and are left alone (they carry code
locations, which staff need).
"""

from __future__ import annotations

import logging
from typing import Any

MAX_LOG_CHARS = 2000
"""Longest message kept in one log line; enough for any error Ruta or Rasa writes about itself."""


class CappedRecord(logging.LogRecord):
    """A LogRecord whose message is cut to ``MAX_LOG_CHARS`` characters, saying how much was cut."""

    def getMessage(self) -> str:  # noqa: N802 - logging's own name
        message = super().getMessage()
        if len(message) <= MAX_LOG_CHARS:
            return message
        return f"{message[:MAX_LOG_CHARS]} …[{len(message) - MAX_LOG_CHARS} characters not logged]"


def install() -> None:
    """Make every later log record a ``CappedRecord`` (idempotent; keeps another factory's class)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "ruta_capped", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if not isinstance(record, CappedRecord):
            record.__class__ = _capped_class(type(record))
        return record

    factory.ruta_capped = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_CLASSES: dict[type, type] = {logging.LogRecord: CappedRecord}


def _capped_class(cls: type) -> type:
    """``CappedRecord`` for plain records; a capped subclass for another library's record class."""
    if cls not in _CLASSES:
        _CLASSES[cls] = type(f"Capped{cls.__name__}", (CappedRecord, cls), {})
    return _CLASSES[cls]
