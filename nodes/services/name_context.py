"""What a node tells the hub about a subject's name besides the records: how common the name
is in this catalogue, and which other people (other valid id numbers) share it.

The hub decides what a citizen is shown (docs/hub.md, "What a citizen sees"). A record
without an id number is theirs only beyond reasonable doubt, and that depends on two things
only the catalogues know: how many people write the same name (a common name with a birth
month is weak evidence, a rare one strong), and whether someone else with another id number
shares the name and birth date (then no id-less record matching both is anyone's for sure).
A node never answers the records of a party with another valid id number to a search by
name, so it says this in counts and in the barest facts of each such person: the birth
date and gender their id number implies, its region code, and how their name compares
with the subject's. Never a name, an id number or a record.
"""

from collections import defaultdict

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from nodes.indexing import written_form
from nodes.models import Party
from schemas.id_numbers import IdNumber, implied_birth_date, implied_gender
from schemas.names import normalize_name, pinyin_keys, substitute_form

#: at most this many other people are described; `total` counts them all
MAX_NAMESAKES = 50


def name_frequency(session: Session, name: str) -> dict:
    """``{name, sound}``: parties here with the same normalized name (a rare character and
    its GBK substitute counted as one), and with the same pinyin key (homophones included)."""
    normalized = normalize_name(name)
    rows = session.execute(
        select(Party.name, func.count()).where(Party.name_pinyin.in_(pinyin_keys(normalized)))
        .group_by(Party.name)).all()
    same = substitute_form(normalized)
    return {"name": sum(count for written, count in rows if substitute_form(written) == same),
            "sound": sum(count for _, count in rows)}


def namesakes(session: Session, name: str, id_number: IdNumber) -> dict:
    """``{total, persons: [{birth_date, gender, region_code, name_match, parties}]}``: the
    people here with another valid id number whose name sounds like the subject's, nearest
    birth date first."""
    normalized = normalize_name(name)
    written = written_form(name)
    rows = session.execute(
        select(Party.id_number, Party.name, Party.name_written)
        .where(Party.name_pinyin.in_(pinyin_keys(normalized)), Party.id_valid == true(),
               Party.id_body != id_number.body)).all()
    people: dict[str, dict] = {}
    parties: dict[str, int] = defaultdict(int)
    for number, party_name, party_written in rows:
        parties[number] += 1
        match = ("name_exact" if party_written == written else
                 "name_variant" if substitute_form(party_name) == substitute_form(normalized)
                 else "name_pinyin")
        known = people.get(number)
        if known is None or _STRENGTH[match] > _STRENGTH[known["name_match"]]:
            people[number] = {"birth_date": implied_birth_date(number),
                              "gender": implied_gender(number) or "U",
                              "region_code": number[:6], "name_match": match}
    reference = implied_birth_date(id_number.normalized) or ""
    ordered = sorted(people, key=lambda number: (_distance(people[number]["birth_date"],
                                                           reference), number))
    return {"total": len(people),
            "persons": [{**people[number], "parties": parties[number]}
                        for number in ordered[:MAX_NAMESAKES]]}


_STRENGTH = {"name_pinyin": 0, "name_variant": 1, "name_exact": 2}


def _distance(birth: str | None, reference: str) -> int:
    if not birth or not reference:
        return 10**6
    return abs(_days(birth) - _days(reference))


def _days(iso: str) -> int:
    year, month, day = (int(part) for part in iso.split("-"))
    return year * 372 + month * 31 + day
