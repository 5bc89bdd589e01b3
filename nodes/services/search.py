"""Search: find the records in which the subject may be a party, and say why each matched.

An id number matches on its first 17 characters, so a 15-digit record (stored upgraded) and
a record whose check character was mistyped are found too, each with its own basis. A name
matches on its pinyin key, which covers the exact, variant (traditional, middle dot, a rare
character or the common one GBK systems write for it) and homophone forms; birth date and
gender narrow it. Given an id number and a name, records without a usable id are matched by
name against the birth date and gender the id implies.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from nodes.config import NodeSettings
from nodes.errors import InvalidInput
from nodes.indexing import written_form
from nodes.models import Party, Record
from nodes.services.name_context import name_frequency, namesakes
from nodes.services.records import present
from schemas.id_numbers import IdNumber, InvalidIdNumber
from schemas.names import normalize_name, pinyin_keys, substitute_form
from schemas.partial_dates import PartialDate
from schemas.subjects import Subject, read_subject

SCORES = {
    "id_number": 1.0,
    "id_number_15": 0.98,
    "id_number_check_char": 0.9,
    "name_exact": 0.7,
    "name_variant": 0.65,
    "name_pinyin": 0.45,
}
BIRTH_BONUS, GENDER_BONUS, NAME_CEILING = 0.12, 0.05, 0.89


@dataclass
class SearchResult:
    records: list[dict]
    total: int
    truncated: bool
    # how common the subject's name is here, and who else shares it (name_context.py)
    name_frequency: dict | None = None
    namesakes: dict | None = None


@dataclass(order=True)
class _Hit:
    sort_key: tuple = field(init=False, repr=False)
    score: float
    record_type: str
    local_id: str
    basis: list[str] = field(compare=False)

    def __post_init__(self) -> None:
        self.sort_key = (-self.score, self.record_type, self.local_id)


def search(session: Session, settings: NodeSettings, request: dict) -> SearchResult:
    subject = _subject(request["subject"])
    scope = _record_scope(request)
    hits: dict[int, _Hit] = {}
    if subject.id_number:
        _match_id(session, subject.id_number, scope, hits)
    if subject.name:
        _match_name(session, subject, scope, hits)
    ranked = sorted(hits.items(), key=lambda item: item[1].sort_key)
    shown = ranked[: settings.max_results]
    documents = dict(
        session.execute(
            select(Record.pk, Record.document).where(Record.pk.in_([pk for pk, _ in shown]))
        ).all()
    )
    records = []
    for pk, hit in shown:
        record = present(documents[pk], settings)
        record["match"] = {"score": round(hit.score, 3), "basis": hit.basis}
        records.append(record)
    result = SearchResult(records, total=len(ranked), truncated=len(ranked) > len(shown))
    if subject.name:
        result.name_frequency = name_frequency(session, subject.name)
        if subject.id_number is not None:
            result.namesakes = namesakes(session, subject.name, subject.id_number)
    return result


def _subject(raw: dict) -> Subject:
    try:
        return read_subject(raw)
    except InvalidIdNumber as exc:
        raise InvalidInput({"subject.id_number": [str(exc)]}) from exc


def _record_scope(request: dict) -> list:
    conditions = []
    if request.get("record_types"):
        conditions.append(Record.record_type.in_(request["record_types"]))
    # A record whose event date is unknown cannot be ruled out by a date range.
    if request.get("event_date_from"):
        start = PartialDate.from_iso(request["event_date_from"]).start().isoformat()
        conditions.append(or_(Record.event_end.is_(None), Record.event_end >= start))
    if request.get("event_date_to"):
        end = PartialDate.from_iso(request["event_date_to"]).end().isoformat()
        conditions.append(or_(Record.event_start.is_(None), Record.event_start <= end))
    return conditions


def _candidates(session: Session, conditions: list) -> list:
    return session.execute(
        select(
            Party.record_pk, Party.name, Party.name_written, Party.id_number, Party.id_was_15,
            Party.birth_start, Party.gender, Record.record_type, Record.local_id,
        )
        .join(Record, Record.pk == Party.record_pk)
        .where(*conditions)
    ).all()


def _keep_best(hits: dict[int, _Hit], pk: int, hit: _Hit) -> None:
    if pk not in hits or hit.score > hits[pk].score:
        hits[pk] = hit


def _match_id(session: Session, id_number: IdNumber, scope: list, hits: dict) -> None:
    for row in _candidates(session, [Party.id_body == id_number.body, *scope]):
        if row.id_number == id_number.normalized:
            basis = "id_number_15" if row.id_was_15 else "id_number"
        else:
            basis = "id_number_check_char"
        _keep_best(hits, row.record_pk, _Hit(SCORES[basis], row.record_type, row.local_id,
                                             [basis]))


def _match_name(session: Session, subject: Subject, scope: list, hits: dict) -> None:
    assert subject.name is not None
    normalized = normalize_name(subject.name)
    written = written_form(subject.name)
    substituted = substitute_form(normalized)
    conditions = [Party.name_pinyin.in_(pinyin_keys(normalized)), *scope]
    if subject.birth:
        conditions.append(or_(Party.birth_start.is_(None), and_(
            Party.birth_start <= subject.birth.end().isoformat(),
            Party.birth_end >= subject.birth.start().isoformat(),
        )))
    if subject.gender:
        conditions.append(Party.gender.in_((subject.gender, "U")))
    if subject.id_number:
        # A party with another valid id number is another person; one with a broken id
        # may be a typo of this one and is judged by name, birth date and gender.
        conditions.append(or_(
            Party.id_body.is_(None),
            and_(Party.id_valid == false(), Party.id_body != subject.id_number.body),
        ))
    for row in _candidates(session, conditions):
        if row.name_written == written:
            basis = ["name_exact"]
        elif substitute_form(row.name) == substituted:
            basis = ["name_variant"]
        else:
            basis = ["name_pinyin"]
        score = SCORES[basis[0]]
        if subject.birth and row.birth_start:
            basis.append("birth_date")
            score += BIRTH_BONUS
        if subject.gender and row.gender == subject.gender:
            basis.append("gender")
            score += GENDER_BONUS
        if subject.implied and len(basis) > 1:
            basis.append("implied_by_id_number")
        _keep_best(hits, row.record_pk, _Hit(min(score, NAME_CEILING), row.record_type,
                                             row.local_id, basis))
