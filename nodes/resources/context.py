"""What a view needs from the app: the node's settings and a database session."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.orm import Session

from nodes.config import NodeSettings
from nodes.storage import Database


def settings() -> NodeSettings:
    return current_app.extensions["liancha.node"]


@contextmanager
def session() -> Iterator[Session]:
    database: Database = current_app.extensions["liancha.db"]
    with database.session() as opened:
        yield opened
