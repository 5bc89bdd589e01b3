"""The hub's schema, through its Alembic migrations."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from runtime.database import run_migrations

MIGRATIONS = Path(__file__).with_name("migrations")


def upgrade_schema(engine: Engine) -> tuple[str | None, str | None]:
    """Create or upgrade the schema; the revisions before and after."""
    return run_migrations(engine, MIGRATIONS)


@contextmanager
def hub_session(database_url: str, upgrade: bool = False) -> Iterator[Session]:
    """A session on the hub's database for a command (`liancha clerk|kiosk|platform`), the
    schema created or upgraded first if asked, the engine disposed at the end."""
    from runtime.database import make_engine

    engine = make_engine(database_url)
    try:
        if upgrade:
            upgrade_schema(engine)
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()
