"""Records, their party index and seen token ids.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column("record_type", sa.String(20), nullable=False),
        sa.Column("local_id", sa.String(120), nullable=False),
        sa.Column("event_start", sa.String(10)),
        sa.Column("event_end", sa.String(10)),
        sa.Column("access", sa.String(12), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("record_type", "local_id", name="uq_records_local_id"),
    )
    op.create_table(
        "parties",
        sa.Column("pk", PK, primary_key=True, autoincrement=True),
        sa.Column(
            "record_pk", PK, sa.ForeignKey("records.pk", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_written", sa.String(100), nullable=False),
        sa.Column("name_pinyin", sa.String(300), nullable=False),
        sa.Column("id_number", sa.String(18)),
        sa.Column("id_body", sa.String(17)),
        sa.Column("id_valid", sa.Boolean),
        sa.Column("id_was_15", sa.Boolean, nullable=False),
        sa.Column("birth_start", sa.String(10)),
        sa.Column("birth_end", sa.String(10)),
        sa.Column("gender", sa.String(1), nullable=False),
    )
    op.create_index("ix_parties_record_pk", "parties", ["record_pk"])
    op.create_index("ix_parties_id_body", "parties", ["id_body"])
    op.create_index("ix_parties_name_pinyin", "parties", ["name_pinyin"])
    op.create_table(
        "seen_tokens",
        sa.Column("jti", sa.String(128), primary_key=True),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_seen_tokens_expires_at", "seen_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_table("seen_tokens")
    op.drop_table("parties")
    op.drop_table("records")
