"""Parties: the unit the hub groups into persons, with a normalized view of each.

A record has one party per role (two for a marriage), and a forestry right may have several
holders; a party is therefore keyed by ``record_id#role`` (``#2``, ``#3``... for the second
and later parties of the same role). The view holds what matching needs: the normalized
name, the name as matching compares it (its substitute form: a rare character GBK cannot
write replaced by the common one GBK systems write for it, 𠮷 -> 吉) and that form's pinyin
key (pypinyin cannot read 𠮷, but reads 吉), the id number re-normalized defensively
(15 -> 18 digits), the birth date with its precision, the gender and the native place
reduced to its core.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from schemas.id_numbers import IdNumber, InvalidIdNumber, parse_id_number
from schemas.names import normalize_name, pinyin_key, substitute_form
from schemas.partial_dates import InvalidDate, PartialDate
from schemas.places import place_core


@dataclass(frozen=True, slots=True)
class PartyView:
    """One party of one record, as matching sees it."""

    key: str
    record_id: str
    role: str
    name: str
    name_raw: str
    pinyin: str  # of the substitute form
    id_number: str | None
    id_valid: bool
    id_was_15: bool
    birth: PartialDate | None
    gender: str | None
    native: str | None
    event: PartialDate | None = None  # the record's event date
    index: int = 0  # position in the record's list of parties

    @property
    def label(self) -> str:
        """How a sentence names the party: ``510500/marriage/LZHY000003 (husband)``."""
        return f"{self.record_id} ({self.role})"

    @property
    def name_key(self) -> str:
        """The name as matching compares it: its substitute form (王𠮷 and 王吉 are one)."""
        return substitute_form(self.name)

    @property
    def id_body(self) -> str | None:
        """The first 17 characters of the id number (region, birth date, sequence)."""
        return self.id_number[:17] if self.id_number else None

    @property
    def valid_id(self) -> str | None:
        """The id number when it is valid (check character and birth date hold)."""
        return self.id_number if self.id_valid else None


def parties_of(records: Iterable[dict]) -> list[PartyView]:
    """Every party of the records (a record id seen twice counts once), sorted by key."""
    seen: set[str] = set()
    views: list[PartyView] = []
    for record in records:
        record_id = str(record.get("record_id") or "")
        if not record_id or record_id in seen:
            continue
        seen.add(record_id)
        per_role: Counter[str] = Counter()
        for index, party in enumerate(record.get("parties") or ()):
            role = str(party.get("role") or "party")
            per_role[role] += 1
            view = party_view(record_id, role, per_role[role], party,
                              read_birth_date(record.get("event_date")), index)
            if view is not None:
                views.append(view)
    return sorted(views, key=lambda view: view.key)


def party_key(record_id: str, role: str, ordinal: int = 1) -> str:
    """``record_id#role``, with ``#n`` for the n-th party of the same role (n >= 2)."""
    return f"{record_id}#{role}" + (f"#{ordinal}" if ordinal > 1 else "")


def party_view(record_id: str, role: str, ordinal: int, party: dict,
               event: PartialDate | None = None, index: int = 0) -> PartyView | None:
    """The normalized view of one party; None for a party with neither name nor id."""
    name_raw = str(party.get("name_raw") or party.get("name") or "")
    name = normalize_name(party.get("name") or name_raw)
    parsed = read_id_number(party.get("id_number"), party.get("id_number_raw"))
    as_written = read_id_number(party.get("id_number_raw"))
    was_15 = bool(parsed and (parsed.was_15 or (
        as_written and as_written.was_15 and as_written.normalized == parsed.normalized)))
    if not name and parsed is None:
        return None
    return PartyView(
        key=party_key(record_id, role, ordinal),
        record_id=record_id,
        role=role,
        name=name,
        name_raw=name_raw or name,
        pinyin=pinyin_key(substitute_form(name)) if name else "",
        id_number=parsed.normalized if parsed else None,
        id_valid=bool(parsed and parsed.valid),
        id_was_15=was_15,
        birth=read_birth_date(party.get("birth_date")),
        gender=party.get("gender") if party.get("gender") in ("M", "F") else None,
        native=place_core(party.get("native_place")),
        event=event,
        index=index,
    )


def read_id_number(*candidates: object) -> IdNumber | None:
    """The first candidate that reads as an id number (normalized to 18 characters)."""
    for candidate in candidates:
        if not candidate:
            continue
        try:
            parsed = parse_id_number(str(candidate))
        except InvalidIdNumber:
            continue
        if parsed is not None:
            return parsed
    return None


def read_birth_date(value: object) -> PartialDate | None:
    """A partial ISO date (a birth or event date); None if absent or unreadable."""
    if not value:
        return None
    try:
        return PartialDate.from_iso(str(value))
    except InvalidDate:
        return None


def mask_id(id_number: str | None) -> str:
    """An id number with all but its last 4 characters hidden: ``**************002X``."""
    if not id_number:
        return "(none)"
    return "*" * (len(id_number) - 4) + id_number[-4:]
