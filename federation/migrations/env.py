"""Alembic environment for the hub database; run through `federation.storage.upgrade_schema`."""

import certificates.models  # noqa: F401  (its tables live in the hub's database)
import federation.ownership.models  # noqa: F401
from federation.models import Base
from runtime.alembic_env import run

run(Base.metadata)
