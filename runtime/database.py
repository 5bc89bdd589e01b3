"""Database engines, per-app session factories and Alembic migrations, for any deployable."""

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # a database host that stops answering must cost a request seconds (then a 503), not
    # hang its thread: connecting gives up after 5 s
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                         connect_args={"connect_timeout": 5})


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets searches read while an import writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # The 2 MiB default cache thrashes on the search indexes of a million-record node,
    # and the default 4 MiB WAL makes an import checkpoint (and sync) at every batch.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA wal_autocheckpoint=16384")
    cursor.close()


def run_migrations(engine: Engine, directory: Path) -> tuple[str | None, str | None]:
    """Create or upgrade the schema to the newest migration in `directory`; the revisions
    before and after (None: no schema)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(directory))
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        return before, MigrationContext.configure(connection).get_current_revision()


class Database:
    """An app's engine and session factory, bound to the app by `init_app`."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def init_app(self, app: Flask, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions["liancha.db"] = self
        app.teardown_appcontext(self._close_request_session)

    def session(self) -> Session:
        """A new session, for work outside a request (the caller closes it)."""
        assert self._sessions is not None, "Database.init_app was not called"
        return self._sessions()

    def request_session(self) -> Session:
        """The current request's session: opened on first use, closed when it ends."""
        if "db_session" not in g:
            g.db_session = self.session()
        return g.db_session

    @staticmethod
    def _close_request_session(_error: BaseException | None = None) -> None:
        opened = g.pop("db_session", None)
        if opened is not None:
            close_session(opened)


def close_session(session: Session) -> None:
    """Close `session`, even when its connection died after its last statement (a database
    restart): closing rolls back, and that rollback then fails, after the request's answer
    was made. What the session committed stands; what it had not, the server threw away
    with the connection. The dead connection is dropped from the pool, not reused."""
    try:
        session.close()
    except DBAPIError as exc:
        log.warning("a session's connection was lost before it was closed: %s", exc.orig)
        session.invalidate()
