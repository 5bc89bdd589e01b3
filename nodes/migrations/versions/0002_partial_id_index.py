"""Index only the parties that carry an id number (most records before 1984 carry none).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_parties_id_body")
    op.execute("CREATE INDEX ix_parties_id_body ON parties (id_body) WHERE id_body IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_parties_id_body")
    op.execute("CREATE INDEX ix_parties_id_body ON parties (id_body)")
