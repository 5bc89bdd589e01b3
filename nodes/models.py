"""The node's storage: records as the standard's JSON documents, and an index of their parties.

A record is kept whole as its standard document; `parties` holds one row per party with
the normalized keys a search looks up (id body, name, pinyin, birth range, gender).
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PK = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Record(Base):
    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("record_type", "local_id", name="uq_records_local_id"),)

    pk: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(20))
    local_id: Mapped[str] = mapped_column(String(120))
    event_start: Mapped[str | None] = mapped_column(String(10))
    event_end: Mapped[str | None] = mapped_column(String(10))
    access: Mapped[str] = mapped_column(String(12))
    content_hash: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    # the catalogue file's name; not indexed: an index would cost every imported row, and
    # only the end of a re-import looks records up by it
    source: Mapped[str | None] = mapped_column(String(255))


class WithdrawnRecord(Base):
    """A record taken out of service because the corrected catalogue no longer has it
    (`liancha node import --withdraw-missing`): kept whole, with when and why; this table is
    the log of withdrawals."""

    __tablename__ = "withdrawn_records"
    __table_args__ = (Index("ix_withdrawn_records_local_id", "record_type", "local_id"),)

    pk: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    record_type: Mapped[str] = mapped_column(String(20))
    local_id: Mapped[str] = mapped_column(String(120))
    source: Mapped[str | None] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[str] = mapped_column(String(32))  # ISO 8601, UTC
    reason: Mapped[str] = mapped_column(String(500))


class Party(Base):
    __tablename__ = "parties"
    __table_args__ = (
        Index("ix_parties_id_body", "id_body", sqlite_where=text("id_body IS NOT NULL"),
              postgresql_where=text("id_body IS NOT NULL")),
        Index("ix_parties_name_pinyin", "name_pinyin"),
    )

    pk: Mapped[int] = mapped_column(PK, primary_key=True, autoincrement=True)
    record_pk: Mapped[int] = mapped_column(
        ForeignKey("records.pk", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    name_written: Mapped[str] = mapped_column(String(100))
    name_pinyin: Mapped[str] = mapped_column(String(300))
    id_number: Mapped[str | None] = mapped_column(String(18))
    id_body: Mapped[str | None] = mapped_column(String(17))
    id_valid: Mapped[bool | None] = mapped_column(Boolean)
    id_was_15: Mapped[bool] = mapped_column(Boolean, default=False)
    birth_start: Mapped[str | None] = mapped_column(String(10))
    birth_end: Mapped[str | None] = mapped_column(String(10))
    gender: Mapped[str] = mapped_column(String(1))


class SeenToken(Base):
    """Token ids already used, kept until the token would have expired (replay refusal)."""

    __tablename__ = "seen_tokens"

    jti: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)


class Locator(Base):
    """The node's published record locator (schemas/locator.py): at most one row, replaced
    by each import; none while an import runs or where no locator key is configured (then
    hubs ask this node every time)."""

    __tablename__ = "locators"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    built_at: Mapped[str] = mapped_column(String(32))  # ISO 8601, UTC
    key_id: Mapped[str] = mapped_column(String(32))
    parties: Mapped[int] = mapped_column(BigInteger)
    keys: Mapped[int] = mapped_column(BigInteger)
    filter: Mapped[str] = mapped_column(Text)  # base64 of the rbloom filter
