"""A real Sanic server on a free loopback port, in a background thread: what the channels' tests post to."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sanic import Sanic


@contextmanager
def serve(app: Sanic, channel: Any) -> Iterator[str]:
    """Serve ``app``; yields the base URL. On the way out, ``channel``'s background tasks are cancelled."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def start() -> None:
        # Sanic 21.12 awaits the AsyncioServer inside create_server: it is listening on return.
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await server.startup()
        holder["server"] = server

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10), "server did not start"

    async def stop() -> None:
        for task in list(channel._background):
            task.cancel()
        holder["server"].close()

    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)

