"""Database engine, sessions and schema upgrades for one node."""

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


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


# The search indexes of the party table. A first import into an empty node builds them
# once at the end (much faster than keeping them up to date row by row); start-up and
# every import re-create any that are missing, e.g. after an import was killed.
PARTY_INDEXES = {
    "ix_parties_id_body": "ON parties (id_body) WHERE id_body IS NOT NULL",
    "ix_parties_name_pinyin": "ON parties (name_pinyin)",
    "ix_parties_record_pk": "ON parties (record_pk)",
}


def upgrade_schema(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (a new database just works)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    ensure_party_indexes(engine)


def drop_party_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for name in PARTY_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def ensure_party_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for name, definition in PARTY_INDEXES.items():
            connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


class Database:
    """The node's engine and session factory, bound to the app by `init_app`."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def init_app(self, app: Flask, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        app.extensions["liancha.db"] = self

    def session(self) -> Session:
        assert self._sessions is not None, "Database.init_app was not called"
        return self._sessions()
