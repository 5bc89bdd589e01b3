"""What may be a citizen's: candidates offered by a query, clerks' decisions about them, and
the query a confirmation request came from.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "query_candidates",
        sa.Column("query_id", sa.String(32),
                  sa.ForeignKey("queries.query_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("party", sa.Integer(), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("archive_code", sa.String(6), nullable=False),
        sa.Column("odds", sa.Float(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
    )
    op.create_index("ix_query_candidates_archive_code", "query_candidates", ["archive_code"])
    op.create_table(
        "ownership_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("subject_id_number", sa.String(18), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("party", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("archive_code", sa.String(6), nullable=False),
        sa.Column("clerk", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_no", sa.String(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.UniqueConstraint("subject_id_number", "record_id", "party",
                            name="uq_ownership_decisions_party"),
    )
    op.create_index("ix_ownership_decisions_subject_id_number", "ownership_decisions",
                    ["subject_id_number"])
    op.add_column("case_requests", sa.Column("source_query_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_requests") as batch:
        batch.drop_column("source_query_id")
    op.drop_index("ix_ownership_decisions_subject_id_number", "ownership_decisions")
    op.drop_table("ownership_decisions")
    op.drop_index("ix_query_candidates_archive_code", "query_candidates")
    op.drop_table("query_candidates")
