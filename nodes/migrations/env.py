"""Alembic environment for the node database; run through `nodes.storage.upgrade_schema`."""

from alembic import context

from nodes.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
