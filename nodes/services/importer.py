"""Import a catalogue file into the node's database, in batches, idempotently by local_id.

Every row ends in exactly one of: inserted, updated, unchanged, rejected (with its line
and reason). A rejected row never stops the rest of the file. With `parallel`, rows are
turned into documents in a second process while this one writes the previous batch.
"""

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine, Table, delete, select, update

from nodes.importing.documents import RowError, build_document
from nodes.importing.mapping import STANDARD, Mapping_
from nodes.importing.readers import read_rows
from nodes.indexing import date_range, party_rows
from nodes.models import Party, Record

BATCH_SIZE = 2000
ANALYZE_AFTER_BATCHES = frozenset({0, 4, 16, 64, 256})


@dataclass
class ImportReport:
    record_type: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.unchanged + len(self.rejected)


@dataclass
class _Prepared:
    """One row ready to store: the record's column values and its party index rows."""

    line: int
    local_id: str
    values: dict
    parties: list[dict]
    warnings: list[str]


_Outcome = _Prepared | tuple[int, str]  # a prepared row, or (line, reason) for a rejected one


def import_file(
    engine: Engine,
    record_type: str,
    path: Path,
    mapping: Mapping_ = STANDARD,
    progress: Callable[[int], None] | None = None,
    parallel: bool = False,
) -> ImportReport:
    report = ImportReport(record_type)
    seen: dict[str, int] = {}
    chunks = _chunks(read_rows(Path(path), mapping))
    for number, outcomes in enumerate(_prepared_chunks(chunks, record_type, mapping, parallel)):
        batch = []
        for outcome in outcomes:
            if isinstance(outcome, tuple):
                report.rejected.append(outcome)
            elif outcome.local_id in seen:
                report.rejected.append((outcome.line, f"local_id: {outcome.local_id!r} "
                                                      f"already appears on line "
                                                      f"{seen[outcome.local_id]}"))
            else:
                seen[outcome.local_id] = outcome.line
                report.warnings.extend((outcome.line, w) for w in outcome.warnings)
                batch.append(outcome)
        if batch:
            _store(engine, record_type, batch, report)
        if number in ANALYZE_AFTER_BATCHES and engine.dialect.name == "postgresql":
            # A new table has no statistics, and PostgreSQL would scan it whole for each
            # batch's local_id lookup: refresh them as the table grows.
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE records, parties")
        if progress:
            progress(len(outcomes))
    return report


def _chunks(rows: Iterator[tuple[int, dict]]) -> Iterator[list[tuple[int, dict]]]:
    while chunk := list(islice(rows, BATCH_SIZE)):
        yield chunk


def _prepared_chunks(chunks: Iterator[list], record_type: str, mapping: Mapping_,
                     parallel: bool) -> Iterator[list[_Outcome]]:
    if not parallel:
        for chunk in chunks:
            yield prepare_chunk(chunk, record_type, mapping)
        return
    # One chunk is prepared in the worker while the previous one is written here.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        pending: deque[Future] = deque()
        for chunk in chunks:
            pending.append(pool.submit(prepare_chunk, chunk, record_type, mapping))
            if len(pending) > 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def prepare_chunk(chunk: list[tuple[int, dict]], record_type: str,
                  mapping: Mapping_) -> list[_Outcome]:
    """Rows to documents and index rows; pure, so it may run in another process."""
    outcomes: list[_Outcome] = []
    for line, legacy in chunk:
        if "__width_error__" in legacy:
            outcomes.append((line, str(legacy["__width_error__"])))
            continue
        try:
            document, warnings = build_document(mapping.apply(legacy), record_type,
                                                mapping.date_formats)
        except RowError as exc:
            outcomes.append((line, str(exc)))
            continue
        encoded = orjson.dumps(document)
        event_start, event_end = date_range(document["event_date"])
        values = {
            "record_type": record_type,
            "local_id": document["local_id"],
            "event_start": event_start,
            "event_end": event_end,
            "access": document["access"],
            "content_hash": hashlib.sha256(encoded).hexdigest(),
            "document": encoded.decode(),
        }
        outcomes.append(_Prepared(line, document["local_id"], values, party_rows(document),
                                  warnings))
    return outcomes


def _store(engine: Engine, record_type: str, batch: list[_Prepared],
           report: ImportReport) -> None:
    with engine.begin() as connection:
        existing = dict(connection.execute(
            select(Record.local_id, Record.content_hash).where(
                Record.record_type == record_type,
                Record.local_id.in_([item.local_id for item in batch]),
            )
        ).all())
        fresh = [item for item in batch if item.local_id not in existing]
        changed = [item for item in batch if item.local_id in existing
                   and existing[item.local_id] != item.values["content_hash"]]
        report.unchanged += len(batch) - len(fresh) - len(changed)
        if changed:
            _replace(connection, record_type, changed)
            report.updated += len(changed)
        if fresh:
            _bulk_insert(connection, Record.__table__, [item.values for item in fresh])
            pks = dict(connection.execute(
                select(Record.local_id, Record.pk).where(
                    Record.record_type == record_type,
                    Record.local_id.in_([item.local_id for item in fresh]),
                )
            ).all())
            _insert_parties(connection, ((pks[item.local_id], item) for item in fresh))
            report.inserted += len(fresh)


def _replace(connection: Connection, record_type: str, changed: list[_Prepared]) -> None:
    pks = []
    for item in changed:
        pks.append(connection.execute(
            update(Record)
            .where(Record.record_type == record_type, Record.local_id == item.local_id)
            .values(item.values)
            .returning(Record.pk)
        ).scalar_one())
    connection.execute(delete(Party).where(Party.record_pk.in_(pks)))
    _insert_parties(connection, zip(pks, changed, strict=True))


def _insert_parties(connection: Connection, items: Iterable[tuple[int, _Prepared]]) -> None:
    rows = [{"record_pk": pk, **party} for pk, item in items for party in item.parties]
    _bulk_insert(connection, Party.__table__, rows)


def _bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """A plain DB-API executemany (COPY on PostgreSQL): SQLAlchemy's per-row parameter
    processing would cost more than the database's own work on a million-row import."""
    if not rows:
        return
    columns = list(rows[0])
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(row[c] for c in columns))
        return
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([marker] * len(columns))})")
    connection.exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])
