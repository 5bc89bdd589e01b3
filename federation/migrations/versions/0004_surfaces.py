"""The four ways in: clerk accounts, kiosk devices and sessions, national platform clients,
used assertion ids, cross-archive requests with their parts, history and callbacks; a
certificate's holder and a query's request.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clerks",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "clerk_roles",
        sa.Column("username", sa.String(64),
                  sa.ForeignKey("clerks.username", ondelete="CASCADE"), primary_key=True),
        sa.Column("archive_code", sa.String(6), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
    )
    op.create_table(
        "kiosk_devices",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("archive_code", sa.String(6), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("registered_at", TZ, nullable=False),
    )
    op.create_table(
        "kiosk_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(64), sa.ForeignKey("kiosk_devices.device_id"),
                  nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("ended_at", TZ),
        sa.Column("end_reason", sa.String(20)),
    )
    op.create_table(
        "platform_clients",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("callback_url", sa.String(500)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("registered_at", TZ, nullable=False),
    )
    op.create_table(
        "used_assertions",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("expires_at", TZ, nullable=False, index=True),
    )
    op.create_table(
        "request_counters",
        sa.Column("archive_code", sa.String(6), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "case_requests",
        sa.Column("request_no", sa.String(32), primary_key=True),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("receiving_archive", sa.String(6), nullable=False, index=True),
        sa.Column("subject_id_number", sa.String(18), nullable=False, index=True),
        sa.Column("subject_name", sa.String(100), nullable=False),
        sa.Column("applicant", sa.Text, nullable=False),
        sa.Column("documents", sa.Text, nullable=False),
        sa.Column("record_types", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("state", sa.String(12), nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("applied_at", TZ, nullable=False),
        sa.Column("accept_due", sa.Date, nullable=False),
        sa.Column("accepted_at", TZ),
        sa.Column("assist_due", sa.Date),
        sa.Column("closed_at", TZ),
        sa.Column("refusal_reason", sa.Text),
        sa.Column("certificate_nos", sa.Text, nullable=False),
        sa.Column("client_id", sa.String(64)),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("request_fingerprint", sa.String(64)),
        sa.Column("callback_url", sa.String(500)),
        sa.UniqueConstraint("client_id", "idempotency_key",
                            name="uq_case_requests_idempotency"),
    )
    op.create_table(
        "request_assists",
        sa.Column("request_no", sa.String(32),
                  sa.ForeignKey("case_requests.request_no", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("archive_code", sa.String(6), primary_key=True, index=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("query_id", sa.String(32)),
        sa.Column("certificate_no", sa.String(40)),
        sa.Column("clerk", sa.String(200)),
        sa.Column("answered_at", TZ),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_no", sa.String(32),
                  sa.ForeignKey("case_requests.request_no", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("archive_code", sa.String(6)),
        sa.Column("from_state", sa.String(12)),
        sa.Column("to_state", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text),
    )
    op.create_table(
        "callback_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_no", sa.String(32), sa.ForeignKey("case_requests.request_no"),
                  nullable=False, index=True),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False, index=True),
        sa.Column("delivered_at", TZ),
        sa.Column("last_error", sa.Text),
    )
    op.add_column("certificates", sa.Column("holder_subject", sa.String(200)))
    op.create_index("ix_certificates_holder_subject", "certificates", ["holder_subject"])
    op.add_column("queries", sa.Column("request_no", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("queries") as batch:
        batch.drop_column("request_no")
    op.drop_index("ix_certificates_holder_subject", "certificates")
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("holder_subject")
    for table in ("callback_deliveries", "request_events", "request_assists", "case_requests",
                  "request_counters", "used_assertions", "platform_clients", "kiosk_sessions",
                  "kiosk_devices", "clerk_roles", "clerks"):
        op.drop_table(table)
