"""The node's schema: Alembic migrations plus the party search indexes' upkeep."""

from pathlib import Path

from sqlalchemy import Engine

from runtime.database import make_engine, run_migrations

__all__ = ["make_engine", "upgrade_schema", "drop_party_indexes", "ensure_party_indexes"]

MIGRATIONS = Path(__file__).with_name("migrations")

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
    run_migrations(engine, MIGRATIONS)
    ensure_party_indexes(engine)


def drop_party_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for name in PARTY_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")


def ensure_party_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for name, definition in PARTY_INDEXES.items():
            connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} {definition}")
