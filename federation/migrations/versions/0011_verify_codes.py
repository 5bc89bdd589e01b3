"""A verification code (核验码) per certificate, typed with its number where the QR code cannot
be read (a phone without a camera, a call), and the display number as a way to find one.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # certificates issued before have none: they are checked by their QR code
    op.add_column("certificates", sa.Column("verify_code", sa.String(16), nullable=True))
    op.create_index("ix_certificates_display_no", "certificates", ["display_no"])


def downgrade() -> None:
    op.drop_index("ix_certificates_display_no", "certificates")
    op.drop_column("certificates", "verify_code")
