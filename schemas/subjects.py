"""The subject of a search as a node reads it, and as a hub reads it to route the search.

One reading for both: the node's search (`nodes/services/search.py`) matches records on
what `read_subject` makes of the request's subject, and the record locator
(`schemas/locator.py`) derives the keys a hub looks up from the same reading, so a subject
the search would find is never routed away from the node.
"""

from dataclasses import dataclass

from schemas.id_numbers import IdNumber, implied_birth_date, implied_gender, parse_id_number
from schemas.names import normalize_name
from schemas.partial_dates import PartialDate


@dataclass(frozen=True)
class Subject:
    id_number: IdNumber | None
    name: str | None  # as given (None when it normalizes to nothing)
    birth: PartialDate | None  # given, or implied by a valid id number
    gender: str | None  # M or F, given or implied
    implied: bool = False  # birth date or gender came from the id number


def read_subject(raw: dict) -> Subject:
    """The subject of a search request; InvalidIdNumber for an id number that cannot be
    read (the caller names the field)."""
    id_number = parse_id_number(raw["id_number"]) if raw.get("id_number") else None
    birth = PartialDate.from_iso(raw["birth_date"]) if raw.get("birth_date") else None
    gender = raw.get("gender") if raw.get("gender") in ("M", "F") else None
    implied = False
    if id_number is not None and id_number.valid:
        implied_birth = implied_birth_date(id_number.normalized)
        if birth is None and implied_birth:
            birth, implied = PartialDate.from_iso(implied_birth), True
        if gender is None:
            gender, implied = implied_gender(id_number.normalized), True
    name = normalize_name(raw["name"]) if raw.get("name") else None
    return Subject(id_number, raw.get("name") if name else None, birth, gender, implied)
