"""Queries and the nodes' signed answers.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queries",
        sa.Column("query_id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("actor_archive", sa.String(6)),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("took_ms", sa.Float, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
    )
    op.create_index("ix_queries_actor", "queries", ["actor"])
    op.create_table(
        "node_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("query_id", sa.String(32),
                  sa.ForeignKey("queries.query_id", ondelete="CASCADE"), nullable=False),
        sa.Column("archive_code", sa.String(6), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("latency_ms", sa.Float),
        sa.Column("error", sa.Text),
        sa.Column("body", sa.LargeBinary),
        sa.Column("signature", sa.Text),
    )
    op.create_index("ix_node_answers_query_id", "node_answers", ["query_id"])


def downgrade() -> None:
    op.drop_table("node_answers")
    op.drop_table("queries")
