"""What a view needs from the app: the node's settings and the request's database session."""

from flask import current_app
from sqlalchemy.orm import Session

from nodes.config import NodeSettings


def settings() -> NodeSettings:
    return current_app.extensions["liancha.node"]


def session() -> Session:
    """One session per request, so the token check and the search share a connection."""
    return current_app.extensions["liancha.db"].request_session()
