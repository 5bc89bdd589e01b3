"""The migrations build exactly the schema the models describe, for the hub and the node,
on SQLite and on PostgreSQL (the suite runs on both): a model changed without a migration,
or a migration that differs from its model, fails here."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import accounts.models  # noqa: F401  (the hub's tables are declared in several packages)
import casework.models  # noqa: F401
import certificates.models  # noqa: F401
import federation.ownership.models  # noqa: F401
from federation.models import Base as HubBase
from federation.storage import upgrade_schema as upgrade_hub
from nodes.models import Base as NodeBase
from nodes.storage import upgrade_schema as upgrade_node
from runtime.database import make_engine


@pytest.mark.parametrize(("upgrade", "metadata"), [(upgrade_hub, HubBase.metadata),
                                                   (upgrade_node, NodeBase.metadata)],
                         ids=["hub", "node"])
def test_the_migrations_build_the_models_schema(database_url, upgrade, metadata):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_name": _not_alembics})
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []


def _not_alembics(name, kind, parent_names) -> bool:  # type: ignore[no-untyped-def]
    return not (kind == "table" and name == "alembic_version")
