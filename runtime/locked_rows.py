"""Rows that writers take turns on: made on first use, locked for the rest of a transaction.

A counter per archive and year (certificate numbers, request numbers) and the audit
chain's head are such rows. The first writers of a row used to look for it, find nothing
and all insert it, and all but one failed with an IntegrityError. Here the row is first
inserted if missing (INSERT ... ON CONFLICT DO NOTHING: a second first writer waits for
the first's insert to commit and then does nothing) and then locked (SELECT ... FOR
UPDATE), both in the caller's transaction. On SQLite FOR UPDATE means nothing, but the
INSERT takes the database's write lock before the row is read, which serializes writers
the same way. A row locked once in a transaction is not asked for again in it (a query's
answer adds two audit entries: the chain's head is read and locked once).
"""

from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session

Row = TypeVar("Row")
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
HELD = "liancha.locked_rows"


class SequenceCounter(Protocol):
    """A model whose rows count per archive and year (primary key: archive_code, year)."""

    archive_code: Mapped[str]
    year: Mapped[int]
    last: Mapped[int]


def locked_row(session: Session, model: type[Row], key: dict[str, object],
               initial: dict[str, object]) -> Row:
    """The row of `model` with primary key `key`, made with `initial` values if missing,
    locked until the caller's transaction ends."""
    held = _held(session)
    memo = (model, tuple(sorted(key.items())))
    if memo in held:  # locked already in this transaction: it cannot have changed
        return held[memo]  # type: ignore[return-value]
    dialect = session.get_bind(model).dialect.name
    if dialect not in INSERTS:
        raise NotImplementedError(f"locked rows are written for {', '.join(INSERTS)}, "
                                  f"not {dialect}")
    # on PostgreSQL the row is almost always there: lock it, and insert only if missing;
    # on SQLite the insert comes first whatever, for the write lock it takes
    row = _lock(session, model, key) if dialect == "postgresql" else None
    if row is None:
        session.execute(INSERTS[dialect](model).values(**key, **initial)
                        .on_conflict_do_nothing(index_elements=list(key)))
        row = _lock(session, model, key)
        assert row is not None
    held[memo] = row
    return row


def _lock(session: Session, model: type[Row], key: dict[str, object]) -> Row | None:
    where = [getattr(model, column) == value for column, value in key.items()]
    # populate_existing: a session that outlives a commit (expire_on_commit=False) and still
    # holds the row's object would otherwise keep its values of then; what counts is the
    # row as it is now, under the lock
    return session.execute(select(model).where(*where).with_for_update()
                           .execution_options(populate_existing=True)).scalar_one_or_none()


def _held(session: Session) -> dict[tuple, object]:
    """The rows this session has locked in its current transaction (none after it ends)."""
    transaction = session.get_transaction()
    held = session.info.get(HELD)
    if held is None or held[0] is not transaction:
        held = session.info[HELD] = (transaction, {})
    return held[1]


def next_in_sequence(session: Session, counter: type[SequenceCounter], archive_code: str,
                     year: int) -> int:
    """The next number of `archive_code`'s sequence for `year`, starting at 1: taken in the
    caller's transaction, so a rolled-back transaction gives its number back."""
    row = locked_row(session, counter, {"archive_code": archive_code, "year": year},
                     {"last": 0})
    row.last += 1
    session.flush()
    return row.last
