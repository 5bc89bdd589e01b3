"""The hub's storage: every query with its answer, and each node's signed answer as evidence."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Query(Base):
    __tablename__ = "queries"

    query_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(20))
    actor_archive: Mapped[str | None] = mapped_column(String(6))
    purpose: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)  # JSON
    complete: Mapped[bool] = mapped_column(Boolean)
    took_ms: Mapped[float] = mapped_column(Float)
    answer: Mapped[str] = mapped_column(Text)  # JSON, as served
    request_no: Mapped[str | None] = mapped_column(String(32))  # the request it served
    # JSON: what was searched: record_types, event_date_from/to, archives (every one in
    # scope); what a certificate from this query may say was searched
    scope: Mapped[str | None] = mapped_column(Text)


class NodeAnswer(Base):
    """What one archive answered to one query: its status, and when ok the exact body with
    the node's signature over it, so the record's origin can be proven later."""

    __tablename__ = "node_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query_id: Mapped[str] = mapped_column(ForeignKey("queries.query_id", ondelete="CASCADE"),
                                          index=True)
    archive_code: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(12))
    latency_ms: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature: Mapped[str | None] = mapped_column(Text)


class NodeHealth(Base):
    """What the latest scheduled probe of an archive's node found (`federation.probes`)."""

    __tablename__ = "node_health"

    archive_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    status: Mapped[str] = mapped_column(String(8))  # up | down
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # in this status since
    last_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    latency_ms: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    standard_version: Mapped[str | None] = mapped_column(String(20))
    records: Mapped[int | None] = mapped_column(Integer)  # how many the node says it holds
