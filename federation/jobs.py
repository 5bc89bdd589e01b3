"""The hub's background jobs, by name, whoever runs them: a Celery worker
(`federation.tasks`) or the hub's own process (`federation.background`).

Each job takes the hub app, the id of whoever runs it (a Celery task id, or one made for an
in-process run) and its arguments: ids, never objects. Each is idempotent, so a job run
twice, or run again after its worker died, does no harm.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy.orm import Session

from federation.config import HubSettings
from runtime.database import close_session

Job = Callable[..., None]
JOBS: dict[str, Job] = {}


def job(function: Job) -> Job:
    JOBS[function.__name__] = function
    return function


@job
def issue_batch(app: Flask, runner: str, batch_id: str) -> None:
    """Issue what is left of a certificate batch."""
    from certificates.batches import run_batch

    with _session(app) as session:
        run_batch(session, _settings(app), app.extensions["liancha.certificate_keys"],
                  batch_id, runner)


@job
def sweep_batches(app: Flask, runner: str) -> None:
    """Send again the batches nobody is running (a lost message, a dead worker)."""
    from certificates.batches import stalled_batches
    from federation.background import send

    with _session(app) as session:
        for batch_id in stalled_batches(session, _settings(app)):
            send("issue_batch", batch_id)


@job
def deliver_callbacks(app: Flask, runner: str) -> None:
    """Push due status changes to the national platform."""
    from national_api.delivery import deliver_due

    settings = _settings(app)
    if settings.callback_poll_s <= 0:  # off: whoever set it sends them (tests do)
        return
    with _session(app) as session:
        deliver_due(session, settings.signing_key, datetime.now(UTC),
                    settings.callback_retry_base_s, settings.callback_retry_max_s,
                    allow_private=settings.guards.callbacks_allow_private)


@job
def probe_nodes(app: Flask, runner: str) -> None:
    """Ask every node whether it can serve."""
    from federation.probes import probe_nodes as probe_all

    with _session(app) as session:
        probe_all(session, _settings(app))


@job
def send_reminders(app: Flask, runner: str) -> None:
    """Remind archives of the steps they owe that fall due."""
    from casework.reminders import send_reminders as remind

    with _session(app) as session:
        remind(session, _settings(app).calendar)


def _settings(app: Flask) -> HubSettings:
    return app.extensions["liancha.hub"]


@contextmanager
def _session(app: Flask) -> Iterator[Session]:
    """A session for one job, closed even if its connection died (a database restart)."""
    session = app.extensions["liancha.db"].session()
    try:
        yield session
    finally:
        close_session(session)
