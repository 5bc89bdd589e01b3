"""The hub's background work: (being built in issue 6) Celery with Redis in production,
the hub's own process in the demo."""

from flask import Flask


def init_background(app: Flask) -> None:
    """Wire background work for this app (nothing yet: `national_api` starts its pump)."""
