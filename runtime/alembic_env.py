"""The body of every deployable's Alembic env.py: migrate on the connection we hand it."""

from alembic import context
from sqlalchemy import MetaData


def run(metadata: MetaData) -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
