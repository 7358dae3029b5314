"""Where a Twilio sender's conversation and SMS pages are kept, what the person is told about it,
and how BORRAR erases it.

Everything is found through the running Rasa server (``bot.rasa.erasure``): its tracker store's
SQL database holds the conversations and, beside them, the pages of a long SMS reply still to
send (several Rasa servers share one number, and the "1" asking for page 2 may reach another
one); without a SQL store, pages stay in this process like the conversations. Every look-up has
``erasure.STORE_TIMEOUT`` seconds and, when it fails, the person still gets an answer: the notice
is shown rather than the message lost, and an erasure that failed is said to have failed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot import privacy, sms_pages
from bot.rasa import erasure
from bot.rasa.channels import texts
from bot.rasa.channels.twilio.request import scrub

logger = logging.getLogger(__name__)


def notice(language: str, days: int) -> tuple[str, str]:
    """The first-contact notice (what is kept, for how long, how to erase it): whole, then short."""
    return texts.say("notice", language, days=days), texts.say("notice_short", language, days=days)


class Conversations:
    """A Twilio channel's way to its senders' stored conversations and SMS pages."""

    def __init__(self, tracker_db_url: str, keep: erasure.Keep) -> None:
        self.tracker_db_url = tracker_db_url
        self._keep = keep
        self._memory_pages = sms_pages.MemoryPages()  # only when the tracker store is not SQL

    def sql_target(self, app: Any) -> privacy.DbTarget | None:
        """The agent's SQL engine; the configured database when no agent runs; None for other stores."""
        return erasure.sql_target(erasure.stores(app)[1], self.tracker_db_url)

    def _pages(self, target: privacy.DbTarget | None) -> sms_pages.Pages:
        """Pages live where the conversations do: the tracker's SQL database, else this process."""
        return sms_pages.SqlPages(target) if target is not None else self._memory_pages

    async def next_page(self, app: Any, sender_id: str) -> str | None:
        """The next page of the last paged reply; None (ask Rasa) when there is none or on error."""
        try:
            pages = self._pages(self.sql_target(app))
            return await asyncio.wait_for(asyncio.to_thread(pages.next, sender_id), timeout=erasure.STORE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - the message goes to Rasa instead
            logger.warning("twilio: could not read the next SMS page (%s).", scrub(exc))
            return None

    async def keep_pages(self, app: Any, sender_id: str, pages: list[str]) -> None:
        """Keep the pages still to send; no pages clears the previous ones ("1" is a menu choice again)."""
        try:
            store = self._pages(self.sql_target(app))
            await asyncio.wait_for(asyncio.to_thread(store.save, sender_id, pages), timeout=erasure.STORE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - page 1 is still sent; "1" then reaches Rasa
            logger.warning("twilio: could not keep the SMS pages (%s).", scrub(exc))

    async def has_conversation(self, app: Any, sender_id: str) -> bool:
        """Whether anything is stored for this sender; on any doubt False (show the notice)."""
        try:
            return await erasure.has_conversation(app, sender_id, self.tracker_db_url)
        except Exception as exc:  # noqa: BLE001 - the notice is shown rather than the message lost
            logger.warning("twilio: could not check for an earlier conversation (%s).", scrub(exc))
            return False

    async def erase(self, app: Any, sender_id: str, language: str) -> str:
        """Erase the conversation and its waiting pages (again once in-flight messages are saved);
        the sentence that tells the person what happened."""

        def pages(target: privacy.DbTarget | None) -> int:
            return self._pages(target).erase(sender_id)

        try:
            removed = await erasure.erase(app, sender_id, self.tracker_db_url, self._keep, "twilio", also=pages)
        except Exception as exc:  # noqa: BLE001 - the person is told it failed, never that it worked
            logger.error("twilio: could not erase a conversation: %s", scrub(exc))
            return texts.say("erase_failed", language)
        return texts.erased(removed, language)
