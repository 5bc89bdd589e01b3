"""What a view needs from the app: the node's settings and the request's database session.

One session per request, opened on first use and closed when the request ends, so the
token check and the search share a connection.
"""

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from nodes.config import NodeSettings
from nodes.storage import Database


def settings() -> NodeSettings:
    return current_app.extensions["liancha.node"]


def session() -> Session:
    if "db_session" not in g:
        database: Database = current_app.extensions["liancha.db"]
        g.db_session = database.session()
    return g.db_session


def close_session(_error: BaseException | None = None) -> None:
    opened = g.pop("db_session", None)
    if opened is not None:
        opened.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
