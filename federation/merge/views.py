"""What a citizen may be shown: only records in which they are a party with high confidence.

A clerk sees every person (lower-confidence subject candidates keep their marks:
``is_subject`` with a ``subject_confidence`` below the threshold). A citizen sees only the
persons that are surely them, and of those only the records whose party surely belongs to
the person, and only the records among ``records`` that hold such a party.
"""

from __future__ import annotations

from typing import Any

from federation.merge.persons import Person

#: how surely a party must be the subject for a citizen to be shown the record: the same id
#: number, or the same name with the same birth date to the day (0.95 in the join table).
#: A name with only a birth month (0.92) is someone else often enough (namesakes born the
#: same month) that it is left to a clerk, through a cross-archive request.
CITIZEN_THRESHOLD = 0.95


def citizen_view(persons: list[Any], records: list[dict], subject: dict | None = None,
                 threshold: float = CITIZEN_THRESHOLD) -> tuple[list[Any], list[dict]]:
    """The subject's own persons and records (``persons`` as Person objects or dicts).

    ``subject`` is the query subject ``group_persons`` was given; the persons already carry
    how surely each is that subject, so it is accepted for symmetry and not re-read.
    """
    del subject
    shown_persons: list[Any] = []
    shown_ids: set[str] = set()
    for person in persons:
        if not _get(person, "is_subject") or _get(person, "subject_confidence") < threshold:
            continue
        sure = [r for r in _get(person, "records")
                if min(r.get("confidence", 1.0), _get(person, "subject_confidence")) >= threshold]
        if not sure:
            continue
        shown_persons.append(_with_records(person, sure))
        shown_ids.update(r["record_id"] for r in sure)
    return shown_persons, [r for r in records if r.get("record_id") in shown_ids]


def _get(person: Any, name: str) -> Any:
    return person[name] if isinstance(person, dict) else getattr(person, name)


def _with_records(person: Any, records: list[dict]) -> Any:
    if isinstance(person, dict):
        return {**person, "records": records}
    assert isinstance(person, Person)
    return Person(**{**person.to_dict(), "records": records})
