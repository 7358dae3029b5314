"""SMS pages waiting for "1 sigue": shared through the database, expiring, erasable."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.sms_pages import TABLE, TTL_SECONDS, MemoryPages, SqlPages


@pytest.fixture(params=["sql", "memory"])
def pages(request: pytest.FixtureRequest, tmp_path: Path) -> SqlPages | MemoryPages:
    return SqlPages(f"sqlite:///{tmp_path / 'ruta.db'}") if request.param == "sql" else MemoryPages()


def test_pages_come_in_order_then_stop(pages: SqlPages | MemoryPages) -> None:
    pages.save("p_a", ["two", "three"], now=100)
    assert [pages.next("p_a", now=101) for _ in range(3)] == ["two", "three", None]


def test_a_new_reply_replaces_the_pages_and_no_pages_clears_them(pages: SqlPages | MemoryPages) -> None:
    pages.save("p_a", ["old 2", "old 3"], now=100)
    pages.save("p_a", ["new 2"], now=101)
    assert pages.next("p_a", now=102) == "new 2"
    pages.save("p_a", ["x"], now=103)
    pages.save("p_a", [], now=104)
    assert pages.next("p_a", now=105) is None


def test_pages_expire(pages: SqlPages | MemoryPages) -> None:
    pages.save("p_a", ["two"], now=100)
    assert pages.next("p_a", now=100 + TTL_SECONDS + 1) is None


def test_senders_are_kept_apart_and_erased_alone(pages: SqlPages | MemoryPages) -> None:
    pages.save("p_a", ["a2"], now=100)
    pages.save("p_b", ["b2"], now=100)
    assert pages.erase("p_a") == 1 and pages.erase("p_a") == 0
    assert pages.next("p_a", now=101) is None and pages.next("p_b", now=101) == "b2"


def test_two_servers_on_one_database_share_the_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ruta.db'}"
    one, two = SqlPages(sa.create_engine(url)), SqlPages(sa.create_engine(url))
    one.save("p_a", ["two", "three"], now=100)
    assert two.next("p_a", now=101) == "two" and one.next("p_a", now=102) == "three"
    with sqlite3.connect(tmp_path / "ruta.db") as conn:
        assert conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0] == 0  # the last page removes the row


def test_a_page_asked_for_twice_at_once_is_sent_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ruta.db'}"
    SqlPages(url).save("p_a", [f"page {i}" for i in range(40)])
    got: list[str | None] = []
    workers = [
        threading.Thread(target=lambda: got.append(SqlPages(sa.create_engine(url)).next("p_a"))) for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    sent = [g for g in got if g is not None]
    assert len(sent) == len(set(sent))  # no page twice; a request that lost the race goes to Rasa


def test_erase_on_a_database_without_the_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ruta.db'}"
    sa.create_engine(url).connect().close()
    assert SqlPages(url).erase("p_a") == 0
