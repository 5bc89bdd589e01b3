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


def freeze_startup_objects() -> None:
    """Set what the process made at start (the app, and a hub's fan-out state for every
    archive: entries, keys, breakers, locators) aside from the cyclic garbage collector,
    which would otherwise walk it all again on each full collection: at 3,300 archives a
    query makes ~20,000 objects, the collections it triggers took half of a query's own
    time (bench/national.py). Those objects live as long as the process anyway. Called
    where a process starts serving (`liancha hub serve`, gunicorn's `post_worker_init`);
    not in the app factory, which tests call hundreds of times in one process."""
    gc.freeze()


def serve(app: Flask, *, host: str, port: int, threads: int, ident: str,
          max_body_bytes: int) -> None:
    """Serve until interrupted, refusing bodies over `max_body_bytes` before reading them."""
    server = ProblemServer(app, host=host, port=port, threads=threads, ident=ident,
                           max_request_body_size=max_body_bytes)
    server.run()
