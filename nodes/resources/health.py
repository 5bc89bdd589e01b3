"""Liveness and readiness probes."""

from flask import Blueprint
from sqlalchemy import text

from nodes.resources import context

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> dict:
    """The process is alive."""
    return {"status": "alive"}


@blp.get("/readyz")
def readyz() -> dict:
    """The node can serve: its database answers (a failure becomes a 503 problem)."""
    context.session().execute(text("SELECT 1"))
    return {"status": "ready"}
