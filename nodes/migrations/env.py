"""Alembic environment for the node database; run through `nodes.storage.upgrade_schema`."""

from nodes.models import Base
from runtime.alembic_env import run

run(Base.metadata)
