"""The searchable keys of a record: one row per party, and the record's event-date range."""

import unicodedata
from functools import lru_cache

from schemas.id_numbers import to_15
from schemas.names import pinyin_key, substitute_equivalents
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


def pinyin_keys(name: str) -> list[str]:
    """The pinyin keys a party of this name may be stored under: the name's own, and those of
    the name written with the rare characters its characters stand for (王吉 -> ``wang ji``,
    ``wang 𠮷``: pypinyin cannot read 𠮷). A party's stored key is its own name's, so the
    table of substitutes can grow without re-indexing a catalogue."""
    return sorted({pinyin_key(name), *map(pinyin_key, substitute_equivalents(name))})


def party_rows(document: dict) -> list[dict]:
    rows = []
    for party in document["parties"]:
        id_number = party.get("id_number")
        raw = (party.get("id_number_raw") or "").strip()
        birth_start, birth_end = date_range(party.get("birth_date"))
        rows.append({
            "role": party["role"],
            "name": party["name"],
            "name_written": written_form(party["name_raw"]),
            "name_pinyin": pinyin_key(party["name"]),
            "id_number": id_number,
            "id_body": id_number[:17] if id_number else None,
            "id_valid": party.get("id_number_valid"),
            "id_was_15": bool(id_number) and len(raw) == 15 and to_15(id_number) == raw,
            "birth_start": birth_start,
            "birth_end": birth_end,
            "gender": party.get("gender") or "U",
        })
    return rows
