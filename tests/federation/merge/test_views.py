"""What a citizen is shown, and what a clerk is shown."""

from federation.merge import CITIZEN_THRESHOLD, citizen_view, group_persons
from tests.federation.merge.builders import id18, party, record, worker

ZHANG = id18("19520304", "121")
SUBJECT = {"id_number": ZHANG, "name": "张国华"}


def _records() -> list[dict]:
    return [
        worker("510500/employment/A", "张国华", id_number=ZHANG),
        record("510500/marriage/M", party("husband", "张国华", birth="1952-03-04", gender="M"),
               party("wife", "王芳", birth="1955-01-02", gender="F")),
        worker("510500/employment/H", "张国化"),  # homophone, nothing else known: a candidate
        worker("510500/employment/O", "王芳", birth="1955"),  # someone else
    ]


def test_a_citizen_sees_only_records_they_surely_are_a_party_of() -> None:
    records = _records()
    persons = group_persons(records, SUBJECT)
    shown_persons, shown_records = citizen_view(persons, records, SUBJECT)
    assert {r["record_id"] for r in shown_records} == {"510500/employment/A", "510500/marriage/M"}
    assert all(p.is_subject and p.subject_confidence >= CITIZEN_THRESHOLD for p in shown_persons)
    assert {r["record_id"] for p in shown_persons for r in p.records} == {
        "510500/employment/A", "510500/marriage/M"}


def test_a_clerk_sees_everything_with_candidates_marked() -> None:
    records = _records()
    persons = group_persons(records, SUBJECT)
    held = {r["record_id"] for p in persons for r in p.records}
    assert held == {r["record_id"] for r in records}
    # the homophone is a candidate: in a subject person, but marked below the threshold
    marks = [min(p.subject_confidence, r["confidence"]) for p in persons if p.is_subject
             for r in p.records if r["record_id"] == "510500/employment/H"]
    assert marks and marks[0] < CITIZEN_THRESHOLD
    # dicts (the JSON form) work too, and a lower threshold shows the candidate
    as_dicts = [p.to_dict() for p in persons]
    _, shown = citizen_view(as_dicts, records, SUBJECT, threshold=0.0)
    assert "510500/employment/H" in {r["record_id"] for r in shown}
