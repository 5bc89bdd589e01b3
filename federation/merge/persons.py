"""Persons: clusters of parties made presentable, with confidence and explanation.

``group_persons(records, subject)`` is the hub's merge step (docs/hub.md). Each person
says which records (and roles) are theirs, their names, id number, birth date and gender,
how sure the grouping is, one plain sentence per join decision (id numbers masked but for
their last 4 characters), and how surely the person is the query subject.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, dataclass, field

from federation.merge.grouping import Cluster, Profile, cluster_parties
from federation.merge.parties import PartyView, parties_of, read_id_number
from federation.merge.rules import (
    CHECK_CHAR_CONFIDENCE,
    ID_CONFIDENCE,
    BirthRange,
    join_confidence,
    precision_rank,
)
from federation.merge.sentences import ambiguity_sentence, join_sentence, single_sentence
from schemas.id_numbers import implied_birth_date, implied_gender
from schemas.names import normalize_name, pinyin_key, substitute_form
from schemas.partial_dates import InvalidDate, PartialDate

#: a person that fits several id persons equally is at most this surely the subject
AMBIGUOUS_SUBJECT_CAP = 0.5
#: below this, a person is not marked as a subject candidate at all
SUBJECT_CANDIDATE_FLOOR = 0.3


@dataclass
class Person:
    """One person assembled from parties of records (docs/hub.md)."""

    person_id: str
    # [{record_id, role, party (index in the record's parties), confidence (that the party
    # belongs to this person)}], sorted
    records: list[dict] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    id_number: str | None = None
    birth_date: str | None = None
    gender: str = "U"
    confidence: float = 1.0
    explanation: list[str] = field(default_factory=list)
    is_subject: bool = False
    subject_confidence: float = 0.0

    def to_dict(self) -> dict:
        """The JSON form served in the hub's answer."""
        return asdict(self)


def group_persons(records: list[dict], subject: dict | None = None) -> list[Person]:
    """Group the parties of ``records`` into persons; subject persons first."""
    clusters = cluster_parties(parties_of(records))
    subject_profile = _subject_profile(subject or {})
    own = next((c for c in clusters if subject_profile.valid_id
                and c.profile.valid_id == subject_profile.valid_id), None)
    persons = [_person(c, subject_profile, own) for c in clusters]
    return sorted(persons, key=lambda p: (not p.is_subject, -p.subject_confidence, p.person_id))


def _person(cluster: Cluster, subject: Profile, own: Cluster | None) -> Person:
    parties = cluster.parties
    digest = hashlib.sha256("\n".join(p.key for p in parties).encode("utf-8")).hexdigest()
    records = sorted(
        ({"record_id": p.record_id, "role": p.role, "party": p.index,
          "confidence": round(cluster.party_confidence.get(p.key, 1.0), 3)} for p in parties),
        key=lambda r: (r["record_id"], r["role"], r["party"]),
    )
    counts = Counter(p.name for p in parties if p.name)
    names = sorted(counts, key=lambda name: (-counts[name], name))
    joins = sorted(cluster.joins, key=lambda j: (j.party.key, j.target.key))
    explanation = [join_sentence(join) for join in joins]
    if cluster.ambiguity is not None:
        explanation.append(ambiguity_sentence(cluster.ambiguity))
    if not explanation:
        explanation.append(single_sentence(cluster.anchor))
    confidence = min((join.confidence for join in joins), default=1.0)
    score = _subject_score(cluster, subject, own)
    return Person(
        person_id="P" + digest[:10],
        records=records,
        names=names,
        id_number=cluster.profile.valid_id,
        birth_date=_birth_date(cluster.profile, parties),
        gender=cluster.profile.gender or "U",
        confidence=round(confidence, 3),
        explanation=explanation,
        is_subject=score >= SUBJECT_CANDIDATE_FLOOR,
        subject_confidence=round(score, 3),
    )


def _birth_date(profile: Profile, parties: list[PartyView]) -> str | None:
    """The id's birth date, else the most precise stated one (most frequent on a tie)."""
    if profile.valid_id:
        implied = implied_birth_date(profile.valid_id)
        if implied:
            return implied
    dates = Counter(p.birth for p in parties if p.birth is not None)
    if not dates:
        return None
    best = sorted(dates, key=lambda d: (-precision_rank(d), -dates[d], d.iso()))[0]
    return best.iso()


def _subject_profile(subject: dict) -> Profile:
    """The query subject as a profile: id number, name, birth date and gender (stated or
    implied by the id number)."""
    profile = Profile()
    parsed = read_id_number(subject.get("id_number"))
    if parsed is not None:
        profile.bodies.add(parsed.normalized[:17])
        if parsed.valid:
            profile.valid_id = parsed.normalized
            implied = implied_birth_date(parsed.normalized)
            if implied:
                profile.birth = BirthRange.of(PartialDate.from_iso(implied))
            profile.gender = implied_gender(parsed.normalized)
    if subject.get("birth_date") and not profile.birth.known:
        try:
            profile.birth = BirthRange.of(PartialDate.from_iso(str(subject["birth_date"])))
        except InvalidDate:
            pass
    if subject.get("gender") in ("M", "F") and profile.gender is None:
        profile.gender = subject["gender"]
    name = normalize_name(subject.get("name"))
    if name:
        stand_in = PartyView("subject", "", "subject", name, name,
                             pinyin_key(substitute_form(name)), None, False, False, None,
                             None, None)
        profile.names[stand_in.name_key] = stand_in
        profile.pinyins[stand_in.pinyin] = stand_in
    return profile


def _subject_score(cluster: Cluster, subject: Profile, own: Cluster | None) -> float:
    """How surely the cluster is the subject: 1.0 by id, high by name and birth date."""
    profile = cluster.profile
    if subject.valid_id and profile.valid_id == subject.valid_id:
        return ID_CONFIDENCE
    if profile.valid_id and subject.valid_id:
        return 0.0
    if subject.bodies & profile.bodies:
        return CHECK_CHAR_CONFIDENCE
    if profile.valid_id and not subject.names:
        return 0.0
    fit = profile.fit(subject)
    if fit is None:
        return 0.0
    if own is not None and own is not cluster and profile.fit(own.profile) is None:
        return 0.0  # kept apart from the subject's own id person for a reason
    score = join_confidence(fit.name_class, fit.birth_level)
    if cluster.ambiguity is not None:
        score = min(score, AMBIGUOUS_SUBJECT_CAP)
    return score
