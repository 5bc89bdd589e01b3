"""The in-process callback pump: a daemon thread that runs `deliver_due` every
`CALLBACK_POLL_S` seconds with its own database sessions (0 turns it off, for a worker).

It holds the app only weakly, so a hub app that is dropped (tests make many) takes its
pump with it; `stop_pump(app)` stops it at once.
"""

import logging
import threading
import weakref
from datetime import UTC, datetime

from flask import Flask

from national_api.delivery import deliver_due
from runtime.database import close_session

STOP = "liancha.callback_pump_stop"
THREAD = "liancha.callback_pump"
log = logging.getLogger(__name__)


def start_pump(app: Flask) -> threading.Thread | None:
    settings = app.extensions["liancha.hub"]
    if settings.callback_poll_s <= 0:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=_run, args=(weakref.ref(app), stop),
                              name="liancha-callbacks", daemon=True)
    app.extensions[STOP], app.extensions[THREAD] = stop, thread
    thread.start()
    return thread


def stop_pump(app: Flask, timeout_s: float = 10.0) -> None:
    stop, thread = app.extensions.get(STOP), app.extensions.get(THREAD)
    if stop is not None:
        stop.set()
    if thread is not None:
        thread.join(timeout_s)


def _run(app_ref: "weakref.ref[Flask]", stop: threading.Event) -> None:
    failing = False
    while True:
        app = app_ref()
        if app is None or stop.is_set():
            return
        settings, database = app.extensions["liancha.hub"], app.extensions["liancha.db"]
        del app  # hold it only while it is used
        session = database.session()
        try:
            deliver_due(session, settings.signing_key, datetime.now(UTC),
                        settings.callback_retry_base_s, settings.callback_retry_max_s)
            failing = False
        except Exception:  # the pump must outlive a database outage; say so once
            if not failing:
                log.exception("callback delivery failed; retrying every %s s",
                              settings.callback_poll_s)
            failing = True
        finally:
            close_session(session)  # a close that fails must not end the pump either
        del database
        if stop.wait(settings.callback_poll_s):
            return
