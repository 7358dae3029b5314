"""The live knowledge base: load once, then swap in edits within seconds, or keep the last good one.

A background thread polls file modification times (cheap, portable, no extra dependency). When
anything changed, the whole tree is reloaded and validated; only a fully valid tree replaces the
one in use, as a single reference assignment, so readers never see half of an edit. A tree that
lost a country file served until now is refused too (``bot.kb.completeness``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.kb.loader import KBError
from bot.world.assemble import KnowledgeBase, load_complete

logger = logging.getLogger(__name__)


def _fingerprint(root: Path) -> tuple:
    stats = []
    for path in sorted(root.rglob("*.yml")):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        stats.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(stats)


class KnowledgeStore:
    """Holds the knowledge base in use and reloads it when its files change."""

    def __init__(self, root: Path, poll_seconds: float = 0.5, prepare: Callable[[KnowledgeBase], None] | None = None):
        """``prepare`` runs on each newly loaded knowledge base before it is put in use (the
        caller builds what it derives from the content there, such as the matchers), so the
        first message after a start or an edit does not pay for it; the old version serves
        meanwhile. A failing ``prepare`` is logged and the content is used anyway."""
        self.root = Path(root)
        self.poll_seconds = poll_seconds
        self.prepare = prepare
        self._kb: KnowledgeBase | None = None
        self._fingerprint: tuple = ()
        self.last_error: KBError | None = None
        self.last_reload_seconds: float = 0.0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base in use (loaded on first use; raises KBError if it never loaded)."""
        if self._kb is None:
            self.reload()
            if self._kb is None:
                assert self.last_error is not None
                raise self.last_error
        return self._kb

    def reload(self) -> bool:
        """Reload now; True when the new content is in use, False when it was refused."""
        with self._lock:
            fingerprint = _fingerprint(self.root)
            started = time.perf_counter()
            try:
                kb = load_complete(self.root, served_before=self._kb.countries if self._kb else ())
            except KBError as exc:
                self.last_error = exc
                self._fingerprint = fingerprint
                logger.error(
                    "Knowledge base change refused; still serving the version loaded at %s.\n%s",
                    self._kb.loaded_at.isoformat(timespec="seconds") if self._kb else "(none)",
                    exc,
                )
                return False
            if self.prepare is not None:
                try:
                    self.prepare(kb)
                except Exception:  # the matchers are built on first use instead
                    logger.exception("Preparing the new knowledge base failed; it is used anyway")
            self._kb, self._fingerprint, self.last_error = kb, fingerprint, None
            self.last_reload_seconds = time.perf_counter() - started
            logger.info("Knowledge base loaded in %.2f s", self.last_reload_seconds)
            return True

    def check(self) -> bool:
        """Reload if any file changed since the last attempt; True when a reload happened."""
        if _fingerprint(self.root) == self._fingerprint:
            return False
        return self.reload()

    def watch(self) -> None:
        """Start the polling thread (idempotent); it is a daemon so it never blocks shutdown."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kb-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.check()
            except Exception:  # a watcher must never die silently
                logger.exception("Knowledge base watcher failed; will try again")
