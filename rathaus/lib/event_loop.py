"""One private event loop per process, in a daemon thread: the door from synchronous code
(views, workers) to the async HTTP clients (the Fediverse's aiohttp, Telegram's httpx).

Our own loop in its own thread works whether or not the caller's thread already runs a loop
(Playwright in pytest, ASGI), and a client that lives long stays on one loop. After a fork
the thread is gone from the child: a new one starts there. Framework-free.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# Every call has its own shorter time-outs; this one only keeps a worker from waiting for
# ever on a coroutine that lost its way.
RUN_TIMEOUT = 300.0


class _Private:
    lock = threading.Lock()
    pid: int | None = None
    loop: asyncio.AbstractEventLoop | None = None
    thread: threading.Thread | None = None


def private_loop() -> asyncio.AbstractEventLoop:
    """This process's loop, started on first use."""
    with _Private.lock:
        if _Private.loop is None or _Private.pid != os.getpid():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="rathaus-remote", daemon=True)
            thread.start()
            _Private.loop, _Private.thread, _Private.pid = loop, thread, os.getpid()
        return _Private.loop


def started_loop() -> asyncio.AbstractEventLoop | None:
    """This process's loop if it was started here, else None (nothing to clean up)."""
    return _Private.loop if _Private.pid == os.getpid() else None


def run(coro: Coroutine[Any, Any, T], *, timeout: float = RUN_TIMEOUT) -> T:
    """Run a coroutine to its end on the private loop and return its result."""
    loop = private_loop()
    if threading.current_thread() is _Private.thread:
        coro.close()
        raise RuntimeError("event_loop.run() called from the private loop itself; await instead")
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise TimeoutError(f"no result after {timeout:.0f} s") from None
