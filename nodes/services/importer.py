"""Import a catalogue file into the node's database, in batches, idempotently by local_id.

Every row ends in exactly one of: inserted, updated, unchanged, rejected (with its line
and reason). A rejected row never stops the rest of the file.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, update

from nodes.importing.documents import RowError, build_document
from nodes.importing.mapping import STANDARD, Mapping_
from nodes.importing.readers import read_rows
from nodes.indexing import date_range, party_rows
from nodes.models import Party, Record

BATCH_SIZE = 2000


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
    line: int
    local_id: str
    document: dict
    content_hash: str
    serialized: str


def import_file(
    engine: Engine,
    record_type: str,
    path: Path,
    mapping: Mapping_ = STANDARD,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    report = ImportReport(record_type)
    seen: dict[str, int] = {}
    batch: list[_Prepared] = []
    for line, legacy in read_rows(Path(path), mapping):
        prepared = _prepare(line, legacy, record_type, mapping, report, seen)
        if prepared:
            batch.append(prepared)
        if len(batch) >= BATCH_SIZE:
            _store(engine, record_type, batch, report)
            batch = []
        if progress:
            progress(1)
    if batch:
        _store(engine, record_type, batch, report)
    return report


def _prepare(line: int, legacy: dict, record_type: str, mapping: Mapping_,
             report: ImportReport, seen: dict[str, int]) -> _Prepared | None:
    if "__width_error__" in legacy:
        report.rejected.append((line, str(legacy["__width_error__"])))
        return None
    try:
        document, warnings = build_document(mapping.apply(legacy), record_type,
                                            mapping.date_formats)
    except RowError as exc:
        report.rejected.append((line, str(exc)))
        return None
    local_id = document["local_id"]
    if local_id in seen:
        report.rejected.append(
            (line, f"local_id: {local_id!r} already appears on line {seen[local_id]}")
        )
        return None
    seen[local_id] = line
    report.warnings.extend((line, warning) for warning in warnings)
    serialized = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    content_hash = hashlib.sha256(serialized.encode()).hexdigest()
    return _Prepared(line, local_id, document, content_hash, serialized)


def _record_values(item: _Prepared, record_type: str) -> dict:
    event_start, event_end = date_range(item.document["event_date"])
    return {
        "record_type": record_type,
        "local_id": item.local_id,
        "event_start": event_start,
        "event_end": event_end,
        "access": item.document["access"],
        "content_hash": item.content_hash,
        "document": item.serialized,
    }


def _store(engine: Engine, record_type: str, batch: list[_Prepared],
           report: ImportReport) -> None:
    with engine.begin() as connection:
        existing = dict(
            connection.execute(
                select(Record.local_id, Record.content_hash).where(
                    Record.record_type == record_type,
                    Record.local_id.in_([item.local_id for item in batch]),
                )
            ).all()
        )
        fresh = [item for item in batch if item.local_id not in existing]
        changed = [item for item in batch
                   if item.local_id in existing and existing[item.local_id] != item.content_hash]
        report.unchanged += len(batch) - len(fresh) - len(changed)
        if changed:
            _replace(connection, record_type, changed)
            report.updated += len(changed)
        if fresh:
            rows = connection.execute(
                insert(Record).returning(Record.pk, Record.local_id, sort_by_parameter_order=True),
                [_record_values(item, record_type) for item in fresh],
            ).all()
            _insert_parties(connection, zip((pk for pk, _ in rows), fresh, strict=True))
            report.inserted += len(fresh)


def _replace(connection, record_type: str, changed: list[_Prepared]) -> None:  # type: ignore[no-untyped-def]
    pks = []
    for item in changed:
        pk = connection.execute(
            update(Record)
            .where(Record.record_type == record_type, Record.local_id == item.local_id)
            .values(_record_values(item, record_type))
            .returning(Record.pk)
        ).scalar_one()
        pks.append(pk)
    connection.execute(delete(Party).where(Party.record_pk.in_(pks)))
    _insert_parties(connection, zip(pks, changed, strict=True))


def _insert_parties(connection, items: Iterable[tuple[int, _Prepared]]) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"record_pk": pk, **party}
        for pk, item in items
        for party in party_rows(item.document)
    ]
    if rows:
        connection.execute(insert(Party), rows)
