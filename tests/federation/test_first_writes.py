"""The hub's one-row-locked-while-used places take their first write from many writers at once.

A certificate number and a request number come from a counter row per archive and year;
each audit entry locks the chain's head row. Before the row exists, every writer used to
see "no row" and insert one, and all but one failed with an IntegrityError (a 500) on
PostgreSQL, and on SQLite too. Here N threads, each with its own session and connection,
wait at a barrier and then make that first write together, then a second round on the
row that now exists: every writer succeeds, the numbers are 1..2N without a duplicate, and
the audit chain verifies.

This runs in the normal suite, not the fault suite: it kills nothing, takes well under a
second, and means the same on both databases (PostgreSQL: INSERT ... ON CONFLICT DO
NOTHING, then the row lock; SQLite: the INSERT takes the database's write lock). After
the fix it cannot fail by chance; before it, PostgreSQL failed it on every run here.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casework.models import RequestCounter
from certificates.models import CertificateCounter
from federation import audit
from federation.storage import upgrade_schema
from runtime.database import make_engine
from runtime.locked_rows import next_in_sequence

WRITERS = 12  # the PostgreSQL pool holds 20 connections
T = TypeVar("T")


def all_at_once(sessions: sessionmaker[Session], write: Callable[[Session], T]) -> list[T]:
    """`write` in WRITERS sessions released together by a barrier, each committed."""
    barrier = threading.Barrier(WRITERS)

    def writer() -> T:
        with sessions() as session:
            session.connection()  # connected before the start, not in the race
            barrier.wait(timeout=30)
            result = write(session)
            session.commit()
            return result

    with ThreadPoolExecutor(WRITERS) as pool:
        futures = [pool.submit(writer) for _ in range(WRITERS)]
        return [future.result(timeout=60) for future in futures]


def hub_sessions(database_url: str) -> sessionmaker[Session]:
    engine = make_engine(database_url)
    upgrade_schema(engine)
    return sessionmaker(engine, expire_on_commit=False)


def test_the_first_numbers_of_an_archive_and_year_are_handed_out_once_each(database_url):
    sessions = hub_sessions(database_url)
    for counter in (CertificateCounter, RequestCounter):
        numbers = []
        for _ in range(2):  # the first writes, then writers on the row they made
            numbers += all_at_once(
                sessions, lambda session, c=counter: next_in_sequence(session, c, "510500",
                                                                      2031))
        assert sorted(numbers) == list(range(1, 2 * WRITERS + 1)), counter.__name__
        with sessions() as session:
            assert session.get(counter, ("510500", 2031)).last == 2 * WRITERS
    sessions.kw["bind"].dispose()


def test_the_first_entries_of_an_audit_chain_make_one_chain(database_url):
    sessions = hub_sessions(database_url)
    for _ in range(2):
        all_at_once(sessions, lambda session: audit.record(
            session, actor="clerk:test", role="clerk", action="query.run", target="race"))
    with sessions() as session:
        check = audit.verify_chain(session)
        assert check.ok, check
        assert check.entries == 2 * WRITERS
        last = session.scalars(select(audit.AuditEvent).order_by(audit.AuditEvent.id.desc())
                               ).first()
        head = session.get(audit.AuditHead, 1)
        assert (head.last_id, head.last_hash) == (last.id, last.hash)
    sessions.kw["bind"].dispose()
