"""Which catalogue file each record came from, and the records withdrawn from it.

A corrected catalogue replaces an old one: the rows of the old file that the new one no
longer has are reported, and withdrawn on request (moved to `withdrawn_records`, which is
also the log of withdrawals).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # not indexed: an index costs every imported row, and only the end of a re-import asks
    op.add_column("records", sa.Column("source", sa.String(255), nullable=True))
    op.create_table(
        "withdrawn_records",
        sa.Column("pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  primary_key=True, autoincrement=True),
        sa.Column("record_type", sa.String(20), nullable=False),
        sa.Column("local_id", sa.String(120), nullable=False),
        sa.Column("source", sa.String(255), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
    )
    op.create_index("ix_withdrawn_records_local_id", "withdrawn_records",
                    ["record_type", "local_id"])


def downgrade() -> None:
    op.drop_index("ix_withdrawn_records_local_id", "withdrawn_records")
    op.drop_table("withdrawn_records")
    op.drop_column("records", "source")
