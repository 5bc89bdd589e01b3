"""Import a catalogue file into the node's database, in batches, idempotently by local_id.

Every row ends in exactly one of: inserted, updated, unchanged, rejected (with its line
and reason). A rejected row never stops the rest of the file.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    String,
    Table,
    any_,
    delete,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from nodes.importing.documents import RowError, build_document
from nodes.importing.mapping import STANDARD, Mapping_
from nodes.importing.readers import read_rows
from nodes.indexing import date_range, party_rows
from nodes.models import Party, Record
from nodes.storage import drop_party_indexes, ensure_party_indexes

BATCH_SIZE = 2000
BYTES_PER_ROW_ESTIMATE = 200
RECORD_COLUMNS = ("record_type", "local_id", "event_start", "event_end", "access",
                  "content_hash", "document")
PARTY_COLUMNS = ("role", "name", "name_written", "name_pinyin", "id_number", "id_body",
                 "id_valid", "id_was_15", "birth_start", "birth_end", "gender")
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
    """One row ready to store: the record's values and its party index rows, as tuples
    in RECORD_COLUMNS and PARTY_COLUMNS order."""

    line: int
    local_id: str
    values: tuple
    parties: list[tuple]
    warnings: list[str]

    @property
    def content_hash(self) -> str:
        return self.values[5]


_Outcome = _Prepared | tuple[int, str]  # a prepared row, or (line, reason) for a rejected one


def import_file(
    engine: Engine,
    record_type: str,
    path: Path,
    mapping: Mapping_ = STANDARD,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    report = ImportReport(record_type)
    bulk_load = _is_bulk_load(engine, Path(path))
    if bulk_load:
        drop_party_indexes(engine)
    try:
        _import_rows(engine, record_type, Path(path), mapping, progress, report, bulk_load)
    finally:
        ensure_party_indexes(engine)
    return report


def _is_bulk_load(engine: Engine, path: Path) -> bool:
    """Whether the file is likely to bring more parties than the node holds: then building
    the search indexes once at the end is cheaper than keeping them up to date."""
    incoming = path.stat().st_size // BYTES_PER_ROW_ESTIMATE
    with engine.connect() as connection:
        held = connection.execute(
            select(Party.pk).order_by(Party.pk.desc()).limit(1)
        ).scalar() or 0
    return incoming > held


def _import_rows(engine: Engine, record_type: str, path: Path, mapping: Mapping_,
                 progress: Callable[[int], None] | None, report: ImportReport,
                 bulk_load: bool) -> None:
    seen: dict[str, int] = {}
    chunks = _chunks(read_rows(path, mapping))
    for number, chunk in enumerate(chunks):
        outcomes = prepare_chunk(chunk, record_type, mapping)
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
        if bulk_load and number in ANALYZE_AFTER_BATCHES and engine.dialect.name == "postgresql":
            # A new table has no statistics, and PostgreSQL would scan it whole for each
            # batch's local_id lookup: refresh them as the table grows.
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE records, parties")
        if progress:
            progress(len(outcomes))


def _chunks(rows: Iterator[tuple[int, dict]]) -> Iterator[list[tuple[int, dict]]]:
    while chunk := list(islice(rows, BATCH_SIZE)):
        yield chunk


def prepare_chunk(chunk: list[tuple[int, dict]], record_type: str,
                  mapping: Mapping_) -> list[_Outcome]:
    """Rows to documents and index rows (no database work)."""
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
        values = (record_type, document["local_id"], event_start, event_end,
                  document["access"], hashlib.sha256(encoded).hexdigest(), encoded.decode())
        parties = [tuple(party[c] for c in PARTY_COLUMNS) for party in party_rows(document)]
        outcomes.append(_Prepared(line, document["local_id"], values, parties, warnings))
    return outcomes


def _store(engine: Engine, record_type: str, batch: list[_Prepared],
           report: ImportReport) -> None:
    with engine.begin() as connection:
        existing = dict(connection.execute(
            select(Record.local_id, Record.content_hash).where(
                Record.record_type == record_type,
                _local_id_in(connection, [item.local_id for item in batch]),
            )
        ).all())
        fresh = [item for item in batch if item.local_id not in existing]
        changed = [item for item in batch if item.local_id in existing
                   and existing[item.local_id] != item.content_hash]
        report.unchanged += len(batch) - len(fresh) - len(changed)
        if changed:
            _replace(connection, record_type, changed)
            report.updated += len(changed)
        if fresh:
            _bulk_insert(connection, Record.__table__, RECORD_COLUMNS,
                         [item.values for item in fresh])
            pks = dict(connection.execute(
                select(Record.local_id, Record.pk).where(
                    Record.record_type == record_type,
                    _local_id_in(connection, [item.local_id for item in fresh]),
                )
            ).all())
            _insert_parties(connection, ((pks[item.local_id], item) for item in fresh))
            report.inserted += len(fresh)


def _local_id_in(connection: Connection, local_ids: list[str]) -> ColumnElement[bool]:
    # PostgreSQL takes the batch as one array parameter; thousands of IN placeholders
    # cost more to send and parse than the lookup itself.
    if connection.dialect.name == "postgresql":
        return Record.local_id == any_(literal(local_ids, ARRAY(String)))
    return Record.local_id.in_(local_ids)


def _replace(connection: Connection, record_type: str, changed: list[_Prepared]) -> None:
    pks = []
    for item in changed:
        pks.append(connection.execute(
            update(Record)
            .where(Record.record_type == record_type, Record.local_id == item.local_id)
            .values(dict(zip(RECORD_COLUMNS, item.values, strict=True)))
            .returning(Record.pk)
        ).scalar_one())
    connection.execute(delete(Party).where(Party.record_pk.in_(pks)))
    _insert_parties(connection, zip(pks, changed, strict=True))


def _insert_parties(connection: Connection, items: Iterable[tuple[int, _Prepared]]) -> None:
    rows = [(pk, *party) for pk, item in items for party in item.parties]
    _bulk_insert(connection, Party.__table__, ("record_pk", *PARTY_COLUMNS), rows)


def _bulk_insert(connection: Connection, table: Table, columns: tuple[str, ...],
                 rows: list[tuple]) -> None:
    """A plain DB-API executemany (COPY on PostgreSQL): SQLAlchemy's per-row parameter
    processing would cost more than the database's own work on a million-row import."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([marker] * len(columns))})")
    connection.exec_driver_sql(sql, rows)
