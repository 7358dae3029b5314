"""The load client: REST webhook messages with aiohttp, timed one by one.

Two shapes, both bounded in messages and in time:

* sequential: one message at a time (conversation after conversation), so the latency is the
  server's own per-message cost with nothing queued in front of it;
* concurrent: ``senders`` people at once, each sending their conversation one message after the
  other and waiting for each reply (as a phone does) — the closest thing to a busy evening.

``urls`` may hold several Rasa servers: message *i* goes to ``urls[i % len(urls)]``. That tiny
round-robin (no proxy) deliberately sends consecutive messages of one conversation to different
servers, so a scale-out only passes if the shared tracker store and lock store really work.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field

import aiohttp

WEBHOOK = "/webhooks/rest/webhook"


@dataclass
class LoadResult:
    """Latencies (ms) of the messages answered with HTTP 200, and everything else as errors."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    wall_seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.ok / self.wall_seconds if self.wall_seconds else 0.0

    def fail(self, why: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 3:
            self.error_samples.append(why)


class Client:
    """One aiohttp session and a round-robin over the servers' base URLs."""

    def __init__(self, urls: list[str], request_timeout: float = 60) -> None:
        self._cycle = itertools.cycle(urls)
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Client:
        # No connection limit below the number of senders: queueing belongs to the server, not to us.
        self._session = aiohttp.ClientSession(timeout=self._timeout, connector=aiohttp.TCPConnector(limit=100))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._session is not None
        await self._session.close()

    async def send(self, sender: str, text: str, result: LoadResult) -> None:
        """Send one message; record its latency if answered 200 with a JSON list, else an error."""
        assert self._session is not None
        url = next(self._cycle) + WEBHOOK
        started = time.perf_counter()
        try:
            async with self._session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.json(content_type=None)
                if response.status != 200 or not isinstance(body, list):
                    result.fail(f"HTTP {response.status} for {text!r}: {str(body)[:200]}")
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            result.fail(f"{type(exc).__name__} for {text!r}: {exc}")
            return
        result.latencies_ms.append((time.perf_counter() - started) * 1000)


def _plan(conversations: tuple[tuple[str, ...], ...], count: int) -> list[tuple[str, ...]]:
    return [conversations[i % len(conversations)] for i in range(count)]


async def sequential(
    urls: list[str], conversations: tuple[tuple[str, ...], ...], tag: str, count: int = 20, deadline: float = 300
) -> LoadResult:
    """``count`` conversations, one message at a time; stops early (as errors) at ``deadline`` s."""
    result = LoadResult()
    started = time.monotonic()
    async with Client(urls) as client:
        for n, conversation in enumerate(_plan(conversations, count)):
            for text in conversation:
                if time.monotonic() - started > deadline:
                    result.fail(f"not sent: the {deadline:.0f} s phase deadline passed")
                    continue
                await client.send(f"bench-{tag}-{n}", text, result)
    result.wall_seconds = time.monotonic() - started
    return result


async def concurrent(
    urls: list[str], conversations: tuple[tuple[str, ...], ...], tag: str, senders: int = 20, deadline: float = 300
) -> LoadResult:
    """``senders`` conversations at once; messages still unanswered at ``deadline`` s count as errors."""
    result = LoadResult()
    plan = _plan(conversations, senders)
    total = sum(len(c) for c in plan)

    async def person(client: Client, n: int, conversation: tuple[str, ...]) -> None:
        for text in conversation:
            await client.send(f"bench-{tag}-{n}", text, result)

    started = time.monotonic()
    async with Client(urls) as client:
        tasks = [asyncio.create_task(person(client, n, c)) for n, c in enumerate(plan)]
        _, pending = await asyncio.wait(tasks, timeout=deadline)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    result.wall_seconds = time.monotonic() - started
    for _ in range(total - result.ok - result.errors):
        result.fail(f"not answered within the {deadline:.0f} s phase deadline")
    return result
