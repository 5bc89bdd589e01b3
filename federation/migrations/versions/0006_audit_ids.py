"""Audit entries take their ids from the chain (the head's last id + 1, under the head's
lock), not from a sequence: drop the id's default on PostgreSQL (SQLite has none).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS audit_events_id_seq")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id")
        op.execute("SELECT setval('audit_events_id_seq', coalesce(max(id), 0) + 1, false) "
                   "FROM audit_events")
        op.execute("ALTER TABLE audit_events ALTER COLUMN id "
                   "SET DEFAULT nextval('audit_events_id_seq')")
