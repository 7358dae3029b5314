"""Erase one conversation from the running Rasa server, the same way on every channel.

BORRAR/DELETE arrives by SMS, WhatsApp, REST or the staff shell; each channel calls ``erase``
here, so the rules are the same everywhere:

- the rows go from Rasa's own SQL tracker store, through the engine Rasa already holds (or
  ``RUTA_DB_URL`` when no agent runs, as in the channel's unit tests);
- a conversation kept in memory because the database was down (``bot.rasa.tracker_store``) is
  dropped too, so nothing is written back later;
- a message still being processed when the request arrived would save the conversation again
  when it finishes; Rasa holds that conversation's lock until then, so a second pass waits for
  the lock and erases again;
- what a channel keeps beside the conversation (Twilio's SMS pages waiting for "1") goes with it,
  through the ``also`` the channel passes, in both passes;
- when the database cannot be reached (or is not Rasa's: no ``events`` table), ``erase`` raises
  ``privacy.DatabaseUnavailable`` and the person is told it failed, never that it worked.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore
from sqlalchemy.engine import Engine

from bot import privacy

logger = logging.getLogger(__name__)

STORE_TIMEOUT = 2.0
"""Seconds allowed for an erasure or the 'is this a new conversation?' look-up."""

Keep = Callable[[asyncio.Future], None]
"""Keeps a background task referenced until it finishes (each channel has its own set)."""
Also = Callable[[privacy.DbTarget | None], int]
"""A channel's own rows for the sender, erased with the conversation: called (in a thread) with the
SQL target, or None when conversations are kept in memory; returns how many it removed."""


def stores(app: Any) -> tuple[Any, Any]:
    """(agent, innermost tracker store) of the running Rasa server, or (None, None).

    Rasa keeps its Agent at ``app.ctx.agent`` and wraps the configured store in
    FailSafeTrackerStore (and AwaitableTrackerStore for old stores); both keep the wrapped
    store in ``_tracker_store``.
    """
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    for _ in range(5):
        inner = getattr(store, "_tracker_store", None)
        if inner is None:
            break
        store = inner
    return agent, store


def sql_target(store: Any, default_db_url: str) -> privacy.DbTarget | None:
    """The agent's SQL engine; ``default_db_url`` when no agent is running; None for other stores."""
    if store is None:
        return default_db_url
    engine = getattr(store, "engine", None)
    return engine if isinstance(engine, Engine) else None


async def has_conversation(app: Any, sender_id: str, default_db_url: str) -> bool:
    """Whether anything is stored for this sender; raises when that cannot be known."""
    _, store = stores(app)
    target = sql_target(store, default_db_url)
    if target is not None:
        look_up = asyncio.to_thread(privacy.has_events, target, sender_id)
    else:
        look_up = store.exists(sender_id)
    return bool(await asyncio.wait_for(look_up, timeout=STORE_TIMEOUT))


async def erase(
    app: Any, sender_id: str, default_db_url: str, keep: Keep, channel: str, also: Also | None = None
) -> int:
    """Erase now (rows deleted, memory copies dropped); erase again once in-flight messages are saved.

    Raises ``privacy.DatabaseUnavailable`` (or a timeout) when the database could not be reached.
    """
    agent, store = stores(app)
    removed = await asyncio.wait_for(_erase_from(store, sender_id, default_db_url, also), timeout=STORE_TIMEOUT)
    logger.info("%s: erased a conversation on request (%d stored event(s)).", channel, removed)
    lock_store = getattr(agent, "lock_store", None)
    if lock_store is not None:
        keep(asyncio.ensure_future(_erase_when_idle(lock_store, store, sender_id, default_db_url, channel, also)))
    return removed


async def _erase_from(store: Any, sender_id: str, default_db_url: str, also: Also | None) -> int:
    forget = getattr(store, "forget", None)
    kept = forget(sender_id) if callable(forget) else 0  # conversations held while the database was down
    target = sql_target(store, default_db_url)
    if target is not None:
        removed = kept + await asyncio.to_thread(privacy.erase, target, sender_id)
        return removed + (await asyncio.to_thread(also, target) if also else 0)
    if isinstance(store, InMemoryTrackerStore):  # `rasa run` without a tracker store (development)
        removed = 1 if store.store.pop(sender_id, None) is not None else 0
        return removed + (also(None) if also else 0)
    raise privacy.DatabaseUnavailable(
        f"Erasing is implemented for SQL tracker stores only, not {type(store).__name__}. "
        "Configure tracker_store type: SQL in endpoints.yml."
    )


async def _erase_when_idle(
    lock_store: Any, store: Any, sender_id: str, default_db_url: str, channel: str, also: Also | None
) -> None:
    """A message still in Rasa when BORRAR arrived would re-save the whole conversation when
    it finishes; Rasa holds the conversation's lock until then, so wait for it and erase again."""
    try:
        async with lock_store.lock(sender_id):
            removed = await _erase_from(store, sender_id, default_db_url, also)
        if removed:
            logger.info("%s: erased %d event(s) saved after an erasure request.", channel, removed)
    except Exception as exc:  # noqa: BLE001 - logged; nothing else can be done in the background
        logger.error("%s: second erasure pass failed: %s", channel, type(exc).__name__)
