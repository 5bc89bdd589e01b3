"""The certificate registry, kept in the hub's database (its migrations live with the hub's).

A certificate's number is sequential per issuing archive and year and never reused:
`CertificateCounter` hands out numbers inside the issuing transaction.
"""

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
    display_no: Mapped[str] = mapped_column(String(64))  # 泸档证〔2026〕第000123号
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
