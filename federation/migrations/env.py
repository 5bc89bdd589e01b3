"""Alembic environment for the hub database; run through `federation.storage.upgrade_schema`."""

from federation.models import Base
from runtime.alembic_env import run

run(Base.metadata)
