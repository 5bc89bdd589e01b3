"""Rows to what the database stores: record values and party index rows, as plain tuples.

Pure (no database), so that it can run in a reader process beside the writer.
"""

import hashlib
from collections.abc import Iterator
from itertools import islice
from operator import itemgetter
from typing import NamedTuple

import orjson

from nodes.importing.documents import RowError, build_document
from nodes.importing.mapping import Mapping_
from nodes.indexing import date_range, party_rows

BATCH_SIZE = 2000
RECORD_COLUMNS = ("record_type", "local_id", "event_start", "event_end", "access",
                  "content_hash", "document")
PARTY_COLUMNS = ("role", "name", "name_written", "name_pinyin", "id_number", "id_body",
                 "id_valid", "id_was_15", "birth_start", "birth_end", "gender")


_party_tuple = itemgetter(*PARTY_COLUMNS)


class PreparedRow(NamedTuple):
    """One row ready to store (a tuple, so it crosses processes cheaply)."""

    line: int
    local_id: str
    values: tuple  # in RECORD_COLUMNS order
    parties: list[tuple]  # each in PARTY_COLUMNS order
    warnings: list[str]

    @property
    def content_hash(self) -> str:
        return self.values[5]


Rejected = tuple[int, str]  # (line, reason)
Outcome = PreparedRow | Rejected


def chunks(rows: Iterator[tuple[int, dict]]) -> Iterator[list[tuple[int, dict]]]:
    while chunk := list(islice(rows, BATCH_SIZE)):
        yield chunk


def prepare_chunk(chunk: list[tuple[int, dict]], record_type: str,
                  mapping: Mapping_) -> list[Outcome]:
    outcomes: list[Outcome] = []
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
        parties = [_party_tuple(party) for party in party_rows(document)]
        outcomes.append(PreparedRow(line, document["local_id"], values, parties, warnings))
    return outcomes
