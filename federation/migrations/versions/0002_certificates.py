"""The certificate registry, its per-archive-and-year counters, and the audit record.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_counters",
        sa.Column("archive_code", sa.String(6), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "certificates",
        sa.Column("certificate_no", sa.String(40), primary_key=True),
        sa.Column("display_no", sa.String(64), nullable=False),
        sa.Column("archive_code", sa.String(6), nullable=False),
        sa.Column("archive_name", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("query_id", sa.String(32), sa.ForeignKey("queries.query_id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("holder_masked", sa.String(100), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("content_digest", sa.String(64), nullable=False),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("token", sa.Text, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_reason", sa.Text),
        sa.UniqueConstraint("archive_code", "year", "sequence", name="uq_certificates_number"),
    )
    op.create_index("ix_certificates_query_id", "certificates", ["query_id"])
    op.create_index("ix_certificates_pdf_sha256", "certificates", ["pdf_sha256"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(200)),
        sa.Column("detail", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("certificates")
    op.drop_table("certificate_counters")
