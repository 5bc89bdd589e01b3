"""The hub's schema, through its Alembic migrations."""

from pathlib import Path

from sqlalchemy import Engine

from runtime.database import run_migrations

MIGRATIONS = Path(__file__).with_name("migrations")


def upgrade_schema(engine: Engine) -> None:
    run_migrations(engine, MIGRATIONS)
