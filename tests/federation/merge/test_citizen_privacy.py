"""Property: a citizen never receives a record in which they are not a party.

Hypothesis draws a small population where names collide on purpose (namesakes, traditional
forms, homophones, shared birth months), and records whose parties are drawn from it and
written the way catalogues write them: an 18-digit id, its 15-digit form, a mistyped check
character, or no id at all; a birth date to the day, month, year or not at all. The ground
truth (which person each party is) is known, so every record the citizen view keeps must
have the citizen among its parties. Outside the draw: two people with the same name *and*
the same birth date, which no rule can tell apart without id numbers.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from federation.merge import citizen_view, group_persons
from schemas.id_numbers import check_character
from schemas.names import normalize_name
from tests.federation.merge.builders import broken, party, record

NAMES = ["张国华", "張國華", "张国化", "李秀英", "李秀瑛", "王芳"]
BIRTHS = ["19520304", "19520317", "19521109", "19600304", "19550102"]


def id18(birth: str, seq: int, gender: str) -> str:
    digit = seq * 2 + (1 if gender == "M" else 0)
    body = f"510502{birth}{digit % 1000:03d}"
    return body + check_character(body)


@st.composite
def population(draw: st.DrawFn) -> list[dict]:
    people: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for seq in range(draw(st.integers(2, 5))):
        name, birth = draw(st.sampled_from(NAMES)), draw(st.sampled_from(BIRTHS))
        if (normalize_name(name), birth) in seen:
            continue  # indistinguishable without ids: outside the property
        seen.add((normalize_name(name), birth))
        gender = draw(st.sampled_from("MF"))
        people.append({"name": name, "birth": birth, "gender": gender,
                       "id": id18(birth, seq + 1, gender)})
    return people


def as_written(draw: st.DrawFn, person: dict, role: str) -> dict:
    """A party of `person` the way some catalogue wrote it."""
    form = draw(st.sampled_from(["id18", "id15", "mistyped", "none"]))
    number = {"id18": person["id"], "id15": person["id"][:6] + person["id"][8:17],
              "mistyped": person["id"][:17] + ("0" if person["id"][17] != "0" else "1"),
              "none": None}[form]
    birth = person["birth"]
    precision = draw(st.sampled_from(["day", "month", "year", "none"]))
    written = {"day": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", "month": f"{birth[:4]}-"
               f"{birth[4:6]}", "year": birth[:4], "none": None}[precision]
    name = draw(st.sampled_from([person["name"], normalize_name(person["name"])]))
    gender = draw(st.sampled_from([person["gender"], "U"]))
    return party(role, name, id_number=number, birth=written, gender=gender)


@st.composite
def catalogue(draw: st.DrawFn) -> tuple[list[dict], list[dict], dict]:
    people = draw(population())
    records, truth = [], {}
    for index in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["employment", "marriage"]))
        roles = ["worker"] if kind == "employment" else ["husband", "wife"]
        chosen = draw(st.lists(st.sampled_from(range(len(people))), min_size=len(roles),
                               max_size=len(roles), unique=len(people) >= len(roles)))
        if len(chosen) < len(roles):
            continue
        record_id = f"51050{index % 3}/{kind}/R{index}"
        records.append(record(record_id, *(as_written(draw, people[p], role)
                                           for p, role in zip(chosen, roles, strict=True)),
                              event_date="1990-01-01"))
        truth[record_id] = {people[p]["id"] for p in chosen}
    citizen = people[draw(st.integers(0, len(people) - 1))]
    return records, [truth], citizen


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogue())
def test_a_citizen_is_never_shown_a_record_they_are_not_a_party_of(drawn) -> None:  # type: ignore[no-untyped-def]
    records, (truth,), citizen = drawn
    subject = {"id_number": citizen["id"], "name": normalize_name(citizen["name"])}
    persons = group_persons(records, subject)
    shown_persons, shown = citizen_view(persons, records, subject)
    for shown_record in shown:
        assert citizen["id"] in truth[shown_record["record_id"]], shown_record["record_id"]
    for person in shown_persons:  # and within a shown person, only their own parties
        for entry in person.records:
            assert citizen["id"] in truth[entry["record_id"]]


def test_the_citizen_sees_records_that_carry_their_own_id() -> None:
    """The property is not met by showing nothing: an id-bearing record is shown."""
    me = {"name": "张国华", "birth": "19520304", "gender": "M", "id": id18("19520304", 1, "M")}
    records = [record("510500/employment/R1", party("worker", "张国华", id_number=me["id"]))]
    subject = {"id_number": me["id"], "name": "张国华"}
    _, shown = citizen_view(group_persons(records, subject), records, subject)
    assert [r["record_id"] for r in shown] == ["510500/employment/R1"]


def test_a_chain_through_a_homophone_shows_the_citizen_nothing_of_others() -> None:
    """Found by the property (2026-12-07): 张国华 born 1952-03-17 without an id, and with a
    mistyped id of his own, was grouped with 张国化 born the same day (a homophone) whose
    mistyped id is the citizen's; each join was strong enough on its own, the chain was not.
    Each shown record's party must point to the citizen by itself."""
    citizen = id18("19520317", 3, "M")
    namesake = id18("19520317", 2, "M")
    records = [
        record("510500/marriage/R0", party("wife", "张国华", id_number=broken(namesake),
                                           birth="1952-03-17", gender="M")),
        record("510502/marriage/R2", party("wife", "张国华", birth="1952-03-17", gender="M")),
        record("510501/marriage/R4", party("wife", "张国化", id_number=broken(citizen),
                                           birth="1952-03-17", gender="M")),
    ]
    subject = {"id_number": citizen, "name": "张国化"}
    persons = group_persons(records, subject)
    # grouped as one candidate person for a clerk to weigh ...
    assert any(p.is_subject and len(p.records) == 3 for p in persons)
    # ... of which the citizen sees only the record that carries their own number
    _, shown = citizen_view(persons, records, subject)
    assert [r["record_id"] for r in shown] == ["510501/marriage/R4"]
