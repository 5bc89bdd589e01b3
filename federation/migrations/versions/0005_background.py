"""Background work: certificate batches with their items, node health as probed, and
reminders of requests falling due.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "certificate_batches",
        sa.Column("batch_id", sa.String(32), primary_key=True),
        sa.Column("archive_code", sa.String(6), nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("state", sa.String(10), nullable=False, index=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("started_at", TZ),
        sa.Column("finished_at", TZ),
        sa.Column("deliveries", sa.Integer, nullable=False),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", TZ),
        sa.Column("request_id", sa.String(100)),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "certificate_batch_items",
        sa.Column("batch_id", sa.String(32),
                  sa.ForeignKey("certificate_batches.batch_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("query_id", sa.String(32), sa.ForeignKey("queries.query_id"),
                  nullable=False),
        sa.Column("record_ids", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("certificate_no", sa.String(40)),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "node_health",
        sa.Column("archive_code", sa.String(6), primary_key=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("checked_at", TZ, nullable=False),
        sa.Column("since", TZ, nullable=False),
        sa.Column("last_up_at", TZ),
        sa.Column("latency_ms", sa.Float),
        sa.Column("error", sa.Text),
        sa.Column("standard_version", sa.String(20)),
        sa.Column("records", sa.Integer),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_no", sa.String(32),
                  sa.ForeignKey("case_requests.request_no", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("archive_code", sa.String(6), nullable=False, index=True),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("request_no", "archive_code", "stage", "kind",
                            name="uq_reminders_once"),
    )


def downgrade() -> None:
    op.drop_table("reminders")
    op.drop_table("node_health")
    op.drop_table("certificate_batch_items")
    op.drop_table("certificate_batches")
