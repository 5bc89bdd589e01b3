"""The searchable keys of a record: one row per party, and the record's event-date range."""

import unicodedata
from functools import lru_cache

from schemas.id_numbers import to_15
from schemas.names import pinyin_key
from schemas.partial_dates import PartialDate


@lru_cache(maxsize=100_000)
def date_range(iso: str | None) -> tuple[str | None, str | None]:
    if not iso:
        return None, None
    date = PartialDate.from_iso(iso)
    return date.start().isoformat(), date.end().isoformat()


@lru_cache(maxsize=200_000)
def written_form(name: str) -> str:
    """A name as written, minus width and spacing differences: the test for `name_exact`."""
    return "".join(unicodedata.normalize("NFKC", name).split())


PARTY_COLUMNS = ("role", "name", "name_written", "name_pinyin", "id_number", "id_body",
                 "id_valid", "id_was_15", "birth_start", "birth_end", "gender")


def party_rows(document: dict) -> list[tuple]:
    """The index rows of a record's parties, each a tuple in PARTY_COLUMNS order (a tuple:
    the importer makes a million of them and sends them between processes)."""
    rows = []
    for party in document["parties"]:
        id_number = party.get("id_number")
        raw = party.get("id_number_raw")
        name = party["name"]
        rows.append((
            party["role"], name, written_form(party["name_raw"]), pinyin_key(name),
            id_number, id_number[:17] if id_number else None, party.get("id_number_valid"),
            bool(id_number) and raw is not None and len(raw.strip()) == 15
            and to_15(id_number) == raw.strip(),
            *date_range(party.get("birth_date")), party.get("gender") or "U",
        ))
    return rows
