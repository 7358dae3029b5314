"""Scale-out: several Rasa servers behind one number, sharing PostgreSQL (tracker) and Redis (locks).

Why this shape: one Rasa process is one Python event loop, so it uses at most about one core; a
second process is the only way to use the second core. Two Rasa servers cannot share a SQLite
file safely, so they share Rasa's SQL tracker store on PostgreSQL and Rasa's RedisLockStore
(bot/rasa/runtime.py writes both from RUTA_DB_URL / RUTA_REDIS_URL). The load client round-robins
messages over the servers itself (no proxy in front; a proxy would add a hop and a process).

Measured, in this order, on one private PostgreSQL + Redis:
  ``pg1_``               1 Rasa + 1 action server   (the control: what PostgreSQL alone costs;
                                                     sequential too, to compare with SQLite)
  ``scaleout2_1action_`` 2 Rasa + 1 shared action server
  ``scaleout2_``         2 Rasa + 2 action servers  (one pair per server; sequential too)
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable

from bench import phases, servers, texts
from bench.procfs import children, rss_mb
from bench.report import emit
from bench.services import Services
from tests.e2e.servers import Ruta


def _services_pids(services: Services) -> Callable[[], list[int]]:
    def pids() -> list[int]:
        found = [services.redis_pid] if services.redis_pid else []
        pidfile = services.dir / "pg" / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, IndexError):
            postmaster = int(pidfile.read_text().split()[0])
            found += [postmaster, *children(postmaster)]
        return found

    return pids


def _target(rasa: list[Ruta], actions: list[Ruta], services: Services) -> phases.Target:
    return phases.Target(
        urls=[r.url for r in rasa],
        texts=texts.RUTA,
        groups={
            "rasa": lambda: [servers.pid(r, "rasa") for r in rasa],
            "actions": lambda: [servers.pid(a, "actions") for a in actions],
            "postgres_redis": _services_pids(services),
        },
    )


def _rss(prefix: str, rasa: list[Ruta], actions: list[Ruta]) -> None:
    emit(f"{prefix}rasa_server_rss_mb_max", max(rss_mb(servers.pid(r, "rasa")) for r in rasa), "MB", 0)
    emit(f"{prefix}action_server_rss_mb_max", max(rss_mb(servers.pid(a, "actions")) for a in actions), "MB", 0)


def run(workdir: Path, conversations: int, senders: int, deadline: float, after: Callable[[], None]) -> None:
    """All three set-ups; ``after`` runs after the main one (a noise check against the baseline)."""
    with contextlib.ExitStack() as stack:
        services = Services()
        stack.callback(services.stop)
        try:
            services.start()
        except Exception as exc:
            raise servers.ServerStartError(f"PostgreSQL/Redis did not start: {exc}") from exc
        env = {"RUTA_DB_URL": services.pg_url, "RUTA_REDIS_URL": services.redis_url}

        first = servers.ruta(stack, workdir / "pg-a", **env)
        target = _target([first], [first], services)
        phases.warm_up(target)
        phases.sequential("pg1_", target, conversations, deadline)
        phases.concurrent("pg1_", target, senders, deadline)

        shared = servers.ruta(stack, workdir / "pg-b", action_url=servers.action_url(first), **env)
        target = _target([first, shared], [first], services)
        phases.warm_up(target)
        phases.concurrent("scaleout2_1action_", target, senders, deadline)
        shared.stop()

        second = servers.ruta(stack, workdir / "pg-c", **env)
        target = _target([first, second], [first, second], services)
        phases.warm_up(target)
        phases.sequential("scaleout2_", target, conversations, deadline)
        phases.concurrent("scaleout2_", target, senders, deadline)
        _rss("scaleout2_", [first, second], [first, second])
        after()
