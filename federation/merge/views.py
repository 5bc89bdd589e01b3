"""What a citizen may be shown: only records in which they are a party with high confidence.

A clerk sees every person (lower-confidence subject candidates keep their marks:
``is_subject`` with a ``subject_confidence`` below the threshold). A citizen sees only the
persons that are surely them, and of those only the records whose party is surely the
citizen on its own evidence (its id number, or its own name and birth date), and only the
records among ``records`` that hold such a party. A chain of joins (A is B by name, B is
the citizen by id) groups parties for a clerk to weigh; it never shows a citizen a record
whose party does not itself point to them, and a party that does is shown even when a
doubtful join put others into its person.
"""

from __future__ import annotations

from typing import Any

from federation.merge.persons import Person, party_evidence

#: how surely a party must be the subject for a citizen to be shown the record: the same id
#: number, or the same name with the same birth date to the day (0.95 in the join table).
#: A name with only a birth month (0.92) is someone else often enough (namesakes born the
#: same month) that it is left to a clerk, through a cross-archive request.
CITIZEN_THRESHOLD = 0.95


def citizen_view(persons: list[Any], records: list[dict], subject: dict,
                 threshold: float = CITIZEN_THRESHOLD) -> tuple[list[Any], list[dict]]:
    """The subject's own persons and records (``persons`` as Person objects or dicts, as
    ``group_persons`` made them from ``records`` for ``subject``)."""
    candidates = [person for person in persons if _get(person, "is_subject")
                  and _get(person, "subject_confidence") >= threshold]
    # only the candidates' records are weighed against the subject, not the whole answer
    theirs = {entry["record_id"] for person in candidates for entry in _get(person, "records")}
    evidence = party_evidence([r for r in records if r.get("record_id") in theirs], subject)
    shown_persons: list[Any] = []
    shown_ids: set[str] = set()
    for person in candidates:
        sure = [r for r in _get(person, "records")
                if evidence.get((r["record_id"], r["party"]), 0.0) >= threshold]
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
