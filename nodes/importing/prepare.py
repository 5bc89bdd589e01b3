"""Rows to what the database stores: record values and party index rows, as plain tuples.

Pure (no database), so that it can run in a reader process beside the writer.
"""

import hashlib
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

import orjson

from nodes.importing.cells import cell_text
from nodes.importing.documents import RowError, build_document
from nodes.importing.mapping import Mapping_
from nodes.importing.readers import ROW_ERROR, SKIPPED
from nodes.indexing import date_range, party_rows

BATCH_SIZE = 2000
RECORD_COLUMNS = ("record_type", "local_id", "event_start", "event_end", "access",
                  "content_hash", "document", "source")


class PreparedRow(NamedTuple):
    """One row ready to store (a tuple, so it crosses processes cheaply)."""

    line: int
    local_id: str
    values: tuple  # in RECORD_COLUMNS order
    parties: list[tuple]  # each in PARTY_COLUMNS order
    warnings: list[str]
    file_no: str | None = None
    source: tuple | None = None  # ((legacy header, text), ...) when there are warnings

    @property
    def content_hash(self) -> str:
        return self.values[5]


class Rejected(NamedTuple):
    line: int
    reason: str
    local_id: str | None = None
    file_no: str | None = None
    warnings: list[str] = []
    source: tuple = ()


class Skipped(NamedTuple):
    line: int
    reason: str
    source: tuple = ()


Outcome = PreparedRow | Rejected | Skipped
KINDS = (PreparedRow, Rejected, Skipped)


def chunks(rows: Iterator[tuple[int, dict]]) -> Iterator[list[tuple[int, dict]]]:
    while chunk := list(islice(rows, BATCH_SIZE)):
        yield chunk


def prepare_chunk(chunk: list[tuple[int, dict]], record_type: str, mapping: Mapping_,
                  source: str | None = None) -> list[Outcome]:
    """The outcome of each row; a stored record's values name the catalogue `source`."""
    return [_prepare(line, legacy, record_type, mapping, source) for line, legacy in chunk]


def _prepare(line: int, legacy: dict, record_type: str, mapping: Mapping_,
             source: str | None) -> Outcome:
    if legacy.get(SKIPPED):
        return Skipped(line, str(legacy[SKIPPED]), _source(legacy))
    row, notes = mapping.apply(legacy)
    warnings = [f"{where}: {what}" for where, what in notes]
    if ROW_ERROR in legacy:
        return Rejected(line, str(legacy[ROW_ERROR]), _clean(row.get("local_id")),
                        _clean(row.get("file_no")), warnings, _source(legacy))
    try:
        document, findings = build_document(row, record_type, mapping.date_formats,
                                            mapping.strict_dates)
    except RowError as exc:
        return Rejected(line, "; ".join(f"{mapping.where(c)}: {w}" for c, w in exc.reasons),
                        _clean(row.get("local_id")), _clean(row.get("file_no")),
                        warnings + [f"{mapping.where(c)}: {w}" for c, w in exc.warnings],
                        _source(legacy))
    warnings += [f"{mapping.where(c)}: {w}" for c, w in findings]
    encoded = orjson.dumps(document)
    event_start, event_end = date_range(document["event_date"])
    values = (record_type, document["local_id"], event_start, event_end,
              document["access"], hashlib.sha256(encoded).hexdigest(), encoded.decode(), source)
    parties = party_rows(document)
    return PreparedRow(line, document["local_id"], values, parties, warnings,
                       document["reference"]["file_no"],
                       _source(legacy) if warnings else None)


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _source(legacy: dict) -> tuple:
    """The row's cells as the catalogue has them, for the report."""
    return tuple((str(header), text) for header, value in legacy.items()
                 if not str(header).startswith("__") and (text := cell_text(value)))
