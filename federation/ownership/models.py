"""Storage of what may be a citizen's and what clerks decided: the records a citizen's query
offered for confirmation (with the evidence weighed), and each confirmation or rejection."""

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from federation.models import Base


class QueryCandidate(Base):
    """A party of a record that a citizen's query found may be the citizen's, not surely:
    offered (counted in `to_confirm`), kept here with the reasons for and against."""

    __tablename__ = "query_candidates"

    query_id: Mapped[str] = mapped_column(
        ForeignKey("queries.query_id", ondelete="CASCADE"), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    party: Mapped[int] = mapped_column(Integer, primary_key=True)  # index in `parties`
    role: Mapped[str] = mapped_column(String(20))
    archive_code: Mapped[str] = mapped_column(String(6), index=True)
    odds: Mapped[float | None] = mapped_column(Float)  # log10
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of {kind, weight, text}


class OwnershipDecision(Base):
    """A clerk's decision that a party of a record is (or is not) a citizen: who, when, on
    what evidence, for which request. The citizen's later queries follow it."""

    __tablename__ = "ownership_decisions"
    __table_args__ = (UniqueConstraint("subject_id_number", "record_id", "party",
                                       name="uq_ownership_decisions_party"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_id_number: Mapped[str] = mapped_column(String(18), index=True)
    record_id: Mapped[str] = mapped_column(String(200))
    party: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))  # confirmed | rejected
    archive_code: Mapped[str] = mapped_column(String(6))  # the deciding clerk's archive
    clerk: Mapped[str] = mapped_column(String(200))  # the clerk's subject (never shown)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_no: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)  # JSON: the reasons weighed when offered
