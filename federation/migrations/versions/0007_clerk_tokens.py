"""A clerk's tokens name the password they were issued with; a password change ends the
tokens issued before it: `clerks.password_version`.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("clerks", sa.Column("password_version", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("clerks") as batch:
        batch.drop_column("password_version")
