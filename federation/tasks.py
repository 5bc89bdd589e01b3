"""The hub's Celery tasks: each runs the job of the same name (`federation.jobs`) in the
app context the task class pushed (`runtime.celery_app`). Tasks get ids, never objects,
and never import the app.

A task that fails because the database is away (PostgreSQL restarting) is retried with
back-off; the jobs are idempotent, so a retry or a redelivery does no harm.
"""

from celery import Task, shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from federation.jobs import JOBS

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 2, "retry_backoff_max": 60,
         "max_retries": 10, "retry_jitter": True}


def _run(task: Task, name: str, *args: str) -> None:
    JOBS[name](current_app._get_current_object(), task.request.id, *args)


@shared_task(bind=True, name="liancha.issue_batch", **RETRY)
def issue_batch(task: Task, batch_id: str) -> None:
    _run(task, "issue_batch", batch_id)


@shared_task(bind=True, name="liancha.sweep_batches", **RETRY)
def sweep_batches(task: Task) -> None:
    _run(task, "sweep_batches")


@shared_task(bind=True, name="liancha.deliver_callbacks", **RETRY)
def deliver_callbacks(task: Task) -> None:
    _run(task, "deliver_callbacks")


@shared_task(bind=True, name="liancha.probe_nodes", **RETRY)
def probe_nodes(task: Task) -> None:
    _run(task, "probe_nodes")


@shared_task(bind=True, name="liancha.send_reminders", **RETRY)
def send_reminders(task: Task) -> None:
    _run(task, "send_reminders")
