"""Celery the Flask way: one Celery app per Flask app, whose tasks run in its app context.

Delivery is at least once and a task that dies with its worker is run again:
- `acks_late`: a task's message is acknowledged when the task ends, not when it starts;
- `task_reject_on_worker_lost`: a pool process killed mid-task gives its message back to
  the queue at once; a whole worker killed gives it back after `visibility_timeout`;
- `worker_prefetch_multiplier` 1: a worker holds no more messages than it runs.
So every task must be idempotent, and each caps its own redeliveries: a job counts its
deliveries in the database (certificate batches), a periodic one expires after its interval.

Each task's log lines carry the request id of the HTTP request that sent it (header
`liancha_request_id`), else the task's own id.
"""

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask

from runtime import request_ids

REQUEST_ID_HEADER = "liancha_request_id"
QUEUE = "liancha"


def celery_init_app(app: Flask, broker_url: str, visibility_timeout_s: float,
                    beat_schedule: Mapping[str, float], tasks_module: str) -> Celery:
    """A Celery app for `app`, its tasks from `tasks_module`, periodic ones every
    `beat_schedule[name]` seconds (task `liancha.<name>`)."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            headers = self.request.headers or {}
            with app.app_context():
                bound = request_ids.bind(headers.get(REQUEST_ID_HEADER) or self.request.id)
                try:
                    return self.run(*args, **kwargs)
                finally:
                    request_ids.unbind(bound)

    celery = Celery(app.name, task_cls=FlaskTask, set_as_current=False)
    celery.conf.update(_configuration(broker_url, visibility_timeout_s, beat_schedule))
    app.extensions["celery"] = celery
    import_module(tasks_module)  # its shared tasks join every Celery app
    worker_process_init.connect(_fresh_connections(app), weak=False)
    return celery


def publish(celery: Celery, task: str, args: list[str], request_id: str | None) -> None:
    """Send `task` now, without retrying (the caller decides what a failure means)."""
    celery.send_task(task, args=args, retry=False, queue=QUEUE,
                     headers={REQUEST_ID_HEADER: request_id} if request_id else None)


def _configuration(broker_url: str, visibility_timeout_s: float,
                   beat_schedule: Mapping[str, float]) -> dict[str, Any]:
    return {
        "broker_url": broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 2.0,
        # a message a dead worker held goes back after `visibility_timeout`, looked for
        # every 10 s at most (kombu's default looks every 100 s)
        "broker_transport_options": {"visibility_timeout": visibility_timeout_s,
                                     "unacked_restore_interval": max(
                                         1, min(10, int(visibility_timeout_s / 2))),
                                     "unacked_restore_throttle": 1,
                                     "socket_timeout": 5.0, "socket_connect_timeout": 2.0},
        "task_default_queue": QUEUE,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "accept_content": ["json"],
        "worker_hijack_root_logger": False,  # runtime.logs has set up the process's logging
        "worker_redirect_stdouts": False,
        "beat_schedule": {name: {"task": f"liancha.{name}", "schedule": seconds,
                                 "options": {"expires": seconds, "queue": QUEUE}}
                          for name, seconds in beat_schedule.items()},
    }


def _fresh_connections(app: Flask):  # type: ignore[no-untyped-def]
    """After the worker forks a pool process: connections are not shared across a fork."""

    def dispose(**_: object) -> None:
        database = app.extensions.get("liancha.db")
        if database is not None and database.engine is not None:
            database.engine.dispose(close=False)

    return dispose
