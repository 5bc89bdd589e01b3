"""Standard records and parties for merge tests, as a node would serve them."""

from schemas.id_numbers import check_character, parse_id_number
from schemas.names import normalize_name


def id18(birth: str, seq: str = "123", region: str = "510500") -> str:
    """A valid 18-character id number for a birth date ``YYYYMMDD``."""
    body = region + birth + seq
    return body + check_character(body)


def broken(number: str) -> str:
    """The same number with a wrong check character."""
    wrong = "0" if number[-1] != "0" else "1"
    return number[:17] + wrong


def party(role: str, name: str, id_number: str | None = None, birth: str | None = None,
          gender: str = "U", native: str | None = None) -> dict:
    parsed = parse_id_number(id_number) if id_number else None
    return {
        "role": role, "name": normalize_name(name), "name_raw": name,
        "id_number": parsed.normalized if parsed else None, "id_number_raw": id_number,
        "id_number_valid": parsed.valid if parsed else None,
        "gender": gender, "birth_date": birth, "native_place": native,
    }


def record(record_id: str, *parties: dict, event_date: str | None = "1990-01-01") -> dict:
    archive, record_type, _ = record_id.split("/")
    return {
        "record_id": record_id, "record_type": record_type,
        "archive": {"code": archive, "name": archive}, "reference": {},
        "event_date": event_date, "parties": list(parties), "details": {},
        "access": "open", "digitized_pages": 1, "match": {"score": 1.0, "basis": ["id_number"]},
    }


def worker(record_id: str, name: str, **kwargs: object) -> dict:
    """A one-party employment record."""
    return record(record_id, party("worker", name, **kwargs))  # type: ignore[arg-type]


def same_person(persons: list, *record_ids: str) -> bool:
    """Whether one person holds a party of every given record."""
    return any({r["record_id"] for r in p.records} >= set(record_ids) for p in persons)
