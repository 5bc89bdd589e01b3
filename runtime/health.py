"""Liveness and readiness probes, the same for every deployable."""

from flask import Blueprint, current_app
from sqlalchemy import text

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> dict:
    """The process is alive."""
    return {"status": "alive"}


@blp.get("/readyz")
def readyz() -> dict:
    """The app can serve: its database answers (a failure becomes a 503 problem)."""
    current_app.extensions["liancha.db"].request_session().execute(text("SELECT 1"))
    return {"status": "ready"}
