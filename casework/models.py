"""Storage of cross-archive requests, their holding archives' parts, and their history."""

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from federation.models import Base

#: applied 申请 → accepted 受理 (holding archives search: 协办) → completed 办结 | refused
STATES = ("applied", "accepted", "completed", "refused")
CHANNELS = ("counter", "kiosk", "app", "national")
ASSIST_STATES = ("pending", "found", "not_found", "refused")


class RequestCounter(Base):
    __tablename__ = "request_counters"

    archive_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CaseRequest(Base):
    __tablename__ = "case_requests"
    __table_args__ = (UniqueConstraint("client_id", "idempotency_key",
                                       name="uq_case_requests_idempotency"),)

    request_no: Mapped[str] = mapped_column(String(32), primary_key=True)  # 510500-2026-S000012
    channel: Mapped[str] = mapped_column(String(12))
    receiving_archive: Mapped[str] = mapped_column(String(6), index=True)
    subject_id_number: Mapped[str] = mapped_column(String(18), index=True)
    subject_name: Mapped[str] = mapped_column(String(100))
    applicant: Mapped[str] = mapped_column(Text)  # JSON: name, id_number, relation
    documents: Mapped[str] = mapped_column(Text)  # JSON list: kind, number, note
    record_types: Mapped[str] = mapped_column(Text)  # JSON list
    purpose: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), index=True)
    actor: Mapped[str] = mapped_column(String(200))  # who applied
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accept_due: Mapped[date] = mapped_column(Date)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    assist_due: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    certificate_nos: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    client_id: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the submission as first sent: the same key with another payload is refused
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    callback_url: Mapped[str | None] = mapped_column(String(500))
    # a request to confirm records: the citizen's query that offered them (`to_confirm`)
    source_query_id: Mapped[str | None] = mapped_column(String(32))


class RequestAssist(Base):
    """One holding archive's part of a request: its search and what it found."""

    __tablename__ = "request_assists"

    request_no: Mapped[str] = mapped_column(
        ForeignKey("case_requests.request_no", ondelete="CASCADE"), primary_key=True)
    archive_code: Mapped[str] = mapped_column(String(6), primary_key=True, index=True)
    state: Mapped[str] = mapped_column(String(12))
    query_id: Mapped[str | None] = mapped_column(String(32))
    certificate_no: Mapped[str | None] = mapped_column(String(40))
    clerk: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class RequestEvent(Base):
    """One transition of a request: who, when, why, from which state to which."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_no: Mapped[str] = mapped_column(
        ForeignKey("case_requests.request_no", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))  # apply accept assist complete refuse
    archive_code: Mapped[str | None] = mapped_column(String(6))
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)


class CallbackDelivery(Base):
    """A status change to push to a national platform client, until it acknowledges."""

    __tablename__ = "callback_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_no: Mapped[str] = mapped_column(ForeignKey("case_requests.request_no"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(500))
    payload: Mapped[str] = mapped_column(Text)  # JSON, exactly as sent and signed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)


class Reminder(Base):
    """A request's step falling due, or overdue, told once to the archive that owes it."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("request_no", "archive_code", "stage", "kind",
                                       name="uq_reminders_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_no: Mapped[str] = mapped_column(
        ForeignKey("case_requests.request_no", ondelete="CASCADE"), index=True)
    archive_code: Mapped[str] = mapped_column(String(6), index=True)  # who owes the step
    stage: Mapped[str] = mapped_column(String(10))  # accept | assist
    kind: Mapped[str] = mapped_column(String(10))  # due_soon | overdue
    due: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
