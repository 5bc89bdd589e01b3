"""The certificate registry, kept in the hub's database (its migrations live with the hub's).

A certificate's number is sequential per issuing archive and year and never reused:
`CertificateCounter` hands out numbers inside the issuing transaction.
"""

import json
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from certificates.wording import scope_text
from federation.audit import AuditEvent  # noqa: F401  (the audit record, re-exported)
from federation.models import Base


class CertificateCounter(Base):
    __tablename__ = "certificate_counters"

    archive_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("archive_code", "year", "sequence",
                                       name="uq_certificates_number"),)

    certificate_no: Mapped[str] = mapped_column(String(40), primary_key=True)  # 510500-2026-123
    display_no: Mapped[str] = mapped_column(String(64), index=True)  # 泸档证〔2026〕第000123号
    archive_code: Mapped[str] = mapped_column(String(6))
    archive_name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    query_id: Mapped[str] = mapped_column(ForeignKey("queries.query_id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # records | no_record
    actor: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(200))
    holder_masked: Mapped[str] = mapped_column(String(100))
    holder_subject: Mapped[str | None] = mapped_column(String(200), index=True)  # citizen:<id>
    issued_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of what the PDF states
    content_digest: Mapped[str] = mapped_column(String(64))  # full SHA-256, base64url
    kid: Mapped[str] = mapped_column(String(64))
    token: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(10))  # valid | revoked
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    # 核验码: typed with the number where the QR code cannot be read (None: issued before)
    verify_code: Mapped[str | None] = mapped_column(String(16))

    def scope(self) -> dict | None:
        """What the search behind it covered, as its content states it (record types, date
        window, in words too); None for certificates issued before scopes were stated."""
        stated = json.loads(self.content).get("scope")
        return None if stated is None else {**stated, "text": scope_text(stated)}


class CertificateBatch(Base):
    """Many certificates asked for at once by a clerk, issued in the background.

    The batch is its own outbox: whatever is not yet issued is still to do, whoever runs it.
    A runner holds it by a lease (`lease_owner`, `lease_until`), renewed after each
    certificate; `deliveries` counts how often a runner took it up, so a batch whose runners
    keep dying is given up instead of retried for ever.
    """

    __tablename__ = "certificate_batches"

    batch_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    archive_code: Mapped[str] = mapped_column(String(6), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), index=True)  # queued running done failed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str | None] = mapped_column(String(100))  # the submitting request's
    error: Mapped[str | None] = mapped_column(Text)


class CertificateBatchItem(Base):
    """One certificate of a batch: what to certify, and once issued, its number."""

    __tablename__ = "certificate_batch_items"

    batch_id: Mapped[str] = mapped_column(
        ForeignKey("certificate_batches.batch_id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[str] = mapped_column(ForeignKey("queries.query_id"))
    record_ids: Mapped[str] = mapped_column(Text)  # JSON list
    purpose: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10))  # queued issued failed
    certificate_no: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
