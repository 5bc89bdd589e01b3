"""The record locator a node publishes to hubs (schemas/locator.py).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "locators",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("built_at", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("parties", sa.BigInteger(), nullable=False),
        sa.Column("keys", sa.BigInteger(), nullable=False),
        sa.Column("filter", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("locators")
