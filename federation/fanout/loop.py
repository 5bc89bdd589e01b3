"""The hub process's one event loop for node calls, on a thread of its own.

Request threads (waitress, gunicorn's threads) hand a search's calls to this loop and wait
for the outcome; every call of every search in the process shares it, so a broadcast to
thousands of archives is thousands of sockets and small coroutines, not thousands of
threads. The loop is started on first use in each process (a forked gunicorn worker starts
its own: a loop's thread does not survive a fork).
"""

import asyncio
import atexit
import contextvars
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
_lock = threading.Lock()
_loop: tuple[int, asyncio.AbstractEventLoop] | None = None
_sessions: set[Any] = set()  # kept to the end: closed at exit, never warned about


def event_loop() -> asyncio.AbstractEventLoop:
    """This process's fan-out loop, running (started now if it is not)."""
    global _loop
    with _lock:
        if _loop is None or _loop[0] != os.getpid():
            # made in an empty context: its own handles keep the one they are made in
            loop = contextvars.Context().run(asyncio.new_event_loop)
            ready = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            threading.Thread(target=run, name="fanout-loop", daemon=True).start()
            ready.wait()
            _loop = (os.getpid(), loop)
        return _loop[1]


def close_at_exit(session: Any) -> None:
    """Close `session` (an aiohttp session on the loop) when the process exits."""
    _sessions.add(session)


@atexit.register
def _close_sessions() -> None:
    if _loop is None or _loop[0] != os.getpid() or not _sessions:
        return
    sessions = [session for session in list(_sessions) if not session.closed]

    async def close_all() -> None:
        await asyncio.gather(*(session.close() for session in sessions),
                             return_exceptions=True)

    try:
        asyncio.run_coroutine_threadsafe(close_all(), _loop[1]).result(timeout=2)
    except Exception:  # noqa: BLE001 - exiting anyway
        pass


def submit(coroutine: Coroutine[Any, Any, T]) -> Future[T]:
    """Run `coroutine` on the loop; its result as a thread's future."""
    # in an empty context, not the caller's: the loop's tasks and timers keep the context
    # they were made in, and a request thread's holds its Flask app (and so the app's
    # database pool) for as long as any of them lives
    return contextvars.Context().run(asyncio.run_coroutine_threadsafe, coroutine,
                                     event_loop())
