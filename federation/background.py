"""Where the hub's background work runs: Celery workers in production, the hub's own
process in the demo (docs/production.md, "Background jobs").

The work itself is in `federation.jobs`, named; this module only sends it:
- with `REDIS_URL`, through Celery (`runtime.celery_app`): the hub publishes, `liancha hub
  worker` runs, `liancha hub beat` sends the periodic jobs;
- without, in the hub's process: two threads run what is sent, and one scheduler thread
  sends the periodic jobs (the demo: SQLite, no Redis).

Work a transaction asks for is sent only once it commits (`send_after_commit`): a rolled
back transaction sends nothing, and work sent cannot find its rows missing. What must
survive a lost message (a batch of certificates, a callback) is kept in the database and
found again by a periodic job, so a message lost with Redis or with a dying process only
delays it.
"""

import logging
import threading
import time
import uuid
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from federation.config import HubSettings
from runtime import request_ids

if TYPE_CHECKING:
    from celery import Celery

DISPATCHER = "liancha.dispatcher"
PENDING = "liancha.after_commit"
PUBLISH_RETRY_AFTER_S = 5.0  # after a failed publish, Redis is left alone this long
log = logging.getLogger(__name__)


def periodic_jobs(settings: HubSettings) -> dict[str, float]:
    """The jobs sent on a schedule, with their intervals (0: that job is off)."""
    intervals = {"deliver_callbacks": settings.callback_poll_s,
                 "probe_nodes": settings.probe_interval_s,
                 "send_reminders": settings.reminder_interval_s,
                 "sweep_batches": settings.batch_sweep_s}
    return {name: seconds for name, seconds in intervals.items() if seconds > 0}


def init_background(app: Flask) -> None:
    """Choose where this hub's background work runs, and start the in-process scheduler
    when there is no Celery."""
    settings: HubSettings = app.extensions["liancha.hub"]
    _listen_for_commits()
    if settings.redis_url:
        from runtime.celery_app import celery_init_app

        celery = celery_init_app(app, settings.redis_url, settings.task_visibility_timeout_s,
                                 periodic_jobs(settings), "federation.tasks")
        app.extensions[DISPATCHER] = CeleryDispatcher(celery)
        return
    dispatcher = InProcessDispatcher(app)
    app.extensions[DISPATCHER] = dispatcher
    dispatcher.start_schedule(periodic_jobs(settings))


def send(name: str, *args: str) -> None:
    """Send job `name` now (within the hub's app context)."""
    current_app.extensions[DISPATCHER].send(name, *args)


def send_after_commit(session: Session, name: str, *args: str) -> None:
    """Send job `name` once `session`'s transaction commits; never if it rolls back."""
    session.info.setdefault(PENDING, []).append((name, args))


def stop_background(app: Flask, timeout_s: float = 10.0) -> None:
    """Stop the in-process threads (tests; a process that exits needs nothing)."""
    dispatcher = app.extensions.get(DISPATCHER)
    if isinstance(dispatcher, InProcessDispatcher):
        dispatcher.stop(timeout_s)


_IN_PROCESS: "weakref.WeakSet[InProcessDispatcher]" = weakref.WeakSet()  # this process's


def stop_all_in_process(timeout_s: float = 10.0) -> None:
    """Stop the in-process threads of every hub app of this process (tests, before they
    drop a database that apps they no longer use would go on polling)."""
    for dispatcher in list(_IN_PROCESS):
        dispatcher.stop(timeout_s)


class InProcessDispatcher:
    """Jobs on two threads of the hub's process, periodic ones from a scheduler thread.

    It holds the app weakly, so a hub app that is dropped (tests make many) takes its
    threads with it."""

    def __init__(self, app: Flask) -> None:
        self._app = weakref.ref(app)
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="liancha-jobs")
        self._stop = threading.Event()
        self._periodic: dict[str, Future] = {}
        self.scheduler: threading.Thread | None = None
        _IN_PROCESS.add(self)

    def send(self, name: str, *args: str) -> None:
        if not self._stop.is_set():
            self._executor.submit(_run_in_process, self._app, name, args,
                                  request_ids.current())

    def send_periodic(self, name: str) -> None:
        """Send `name` unless its previous run is still going (they would only queue up)."""
        previous = self._periodic.get(name)
        if self._stop.is_set() or (previous is not None and not previous.done()):
            return
        self._periodic[name] = self._executor.submit(_run_in_process, self._app, name, (), None)

    def start_schedule(self, intervals: dict[str, float]) -> None:
        if not intervals:
            return
        self.scheduler = threading.Thread(
            target=_schedule, args=(weakref.ref(self), self._stop, intervals),
            name="liancha-schedule", daemon=True)
        self.scheduler.start()

    def stop(self, timeout_s: float) -> None:
        self._stop.set()
        if self.scheduler is not None:
            self.scheduler.join(timeout_s)
        self._executor.shutdown(wait=True, cancel_futures=True)


class CeleryDispatcher:
    """Jobs published to Celery's broker. Publishing happens on a thread of its own, so a
    request never waits for Redis; while Redis fails, jobs are not published (their
    periodic job finds the work again later)."""

    def __init__(self, celery: "Celery") -> None:
        self.celery = celery
        self._publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="liancha-publish")
        self._down_until = 0.0

    def send(self, name: str, *args: str) -> None:
        self._publisher.submit(self._publish, name, args, request_ids.current())

    def _publish(self, name: str, args: tuple[str, ...], request_id: str | None) -> None:
        from runtime.celery_app import publish

        if time.monotonic() < self._down_until:
            log.info("job %s%r not published: the broker failed recently; its periodic "
                     "job finds the work again", name, args)
            return
        try:
            publish(self.celery, f"liancha.{name}", list(args), request_id)
        except Exception as exc:  # kombu's errors vary by transport: any failure is a miss
            self._down_until = time.monotonic() + PUBLISH_RETRY_AFTER_S
            log.warning("job %s%r not published (%s); its periodic job finds the work "
                        "again once the broker is back", name, args, exc)


def _run_in_process(app_ref: "weakref.ref[Flask]", name: str, args: tuple[str, ...],
                    request_id: str | None) -> None:
    from federation.jobs import JOBS

    app = app_ref()
    if app is None:
        return
    runner = f"in-process-{uuid.uuid4().hex}"
    bound = request_ids.bind(request_id or runner)
    try:
        with app.app_context():
            JOBS[name](app, runner, *args)
    except Exception:  # the job's rows stay as they were: its periodic job retries
        log.exception("background job %s%r failed", name, args)
    finally:
        request_ids.unbind(bound)


def _schedule(dispatcher_ref: "weakref.ref[InProcessDispatcher]", stop: threading.Event,
              intervals: dict[str, float]) -> None:
    """Send each periodic job every interval, the first one interval after start."""
    due = {name: time.monotonic() + seconds for name, seconds in intervals.items()}
    while not stop.wait(max(0.0, min(due.values()) - time.monotonic())):
        dispatcher = dispatcher_ref()
        if dispatcher is None:
            return
        now = time.monotonic()
        for name in [name for name, at in due.items() if at <= now]:
            due[name] = now + intervals[name]
            dispatcher.send_periodic(name)
        del dispatcher  # hold it only while sending


def _listen_for_commits() -> None:
    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_rollback", _drop_pending)


def _send_pending(session: Session) -> None:
    pending: list[tuple[str, tuple[str, ...]]] = session.info.pop(PENDING, [])
    if not pending:
        return
    dispatcher = current_app.extensions.get(DISPATCHER) if has_app_context() else None
    for name, args in pending:
        if dispatcher is None:
            log.warning("job %s%r committed outside the hub: not sent; its periodic job "
                        "finds the work", name, args)
            continue
        dispatcher.send(name, *args)


def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)

