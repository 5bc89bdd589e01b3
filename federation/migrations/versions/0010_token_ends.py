"""Tokens end when they should: a generation of each clerk's tokens (a change of password or
roles, or disabling, starts a new one) and the tokens clerks logged out of.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("clerks", sa.Column("token_version", sa.Integer(), nullable=False,
                                      server_default="0"))
    # tokens issued so far name the password generation (`pwv`): they stay good
    op.execute("UPDATE clerks SET token_version = password_version")
    op.create_table(
        "revoked_tokens",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_revoked_tokens_expires_at", "revoked_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_revoked_tokens_expires_at", "revoked_tokens")
    op.drop_table("revoked_tokens")
    with op.batch_alter_table("clerks") as batch:
        batch.drop_column("token_version")
