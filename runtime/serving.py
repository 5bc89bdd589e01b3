"""Serving an app with waitress so that even the answers waitress gives itself are
problem+json.

waitress reads a request's body whole (to a temporary file past 512 KiB) before the app sees
it, and answers some requests without the app: a body over `max_request_body_size` (413, as
soon as the headers say so or the chunks pass it), headers too large (431), malformed HTTP
(400). Its own answers are plain text; `ProblemErrorTask` writes them as the app would.
"""

import gc
import json

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask


class ProblemErrorTask(ErrorTask):
    """waitress's error answer as application/problem+json (RFC 9457)."""

    def execute(self) -> None:
        error = self.request.error
        body = json.dumps({"type": "about:blank", "title": error.reason, "status": error.code,
                           "detail": f"{error.reason}: {error.body}."}).encode("utf-8")
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/problem+json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class ProblemChannel(HTTPChannel):
    error_task_class = ProblemErrorTask


class ProblemServer(TcpWSGIServer):
    channel_class = ProblemChannel


def tune_collector_for_serving() -> None:
    """Spare a serving process's heap from the cyclic garbage collector's needless walks.

    - What the process made at start (the app, and a hub's fan-out state for every
      archive: entries, keys, breakers, locators) is set aside (`gc.freeze()`): it lives as
      long as the process, and full collections walked it all again; at 3,300 archives the
      collections a query triggered took half of its own time (bench/national.py).
    - Young objects are collected every `YOUNG_THRESHOLD` allocations, not every 700: a
      national search makes tens of thousands of short-lived ones (a task, a response, an
      outcome per archive), and the default threshold ran a collection, and every tenth one
      an older generation's, every few archives (a fifth of a broadcast's CPU).

    Called where a process starts serving (`liancha hub serve`, gunicorn's
    `post_worker_init`); not in the app factory, which tests call hundreds of times in one
    process."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


YOUNG_THRESHOLD = 20_000


def serve(app: Flask, *, host: str, port: int, threads: int, ident: str,
          max_body_bytes: int) -> None:
    """Serve until interrupted, refusing bodies over `max_body_bytes` before reading them."""
    server = ProblemServer(app, host=host, port=port, threads=threads, ident=ident,
                           max_request_body_size=max_body_bytes)
    server.run()
