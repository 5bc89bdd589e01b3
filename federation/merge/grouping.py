"""Clustering parties into persons: id numbers first, then names with compatible facts.

1. **Id numbers.** Parties with the same valid id number are one person. A party whose id
   has a bad check character joins the valid id with the same first 17 characters (a
   mistyped check character); broken ids with no valid counterpart join each other by
   those 17 characters.
2. **Names against id persons.** Each remaining unit (a party without a usable id, or a
   group of broken ids) joins the id person it fits best: same normalized name or pinyin
   key, compatible birth date, gender and native place (the id's own birth date and
   gender count as known). A unit that fits two id persons equally well is left apart.
3. **Names among the rest.** Units that fit no id person join each other, strongest
   evidence first, as long as the whole cluster stays compatible.
Two different valid id numbers never end up in one cluster. Every join is recorded as a
``Join`` so that the person can explain itself. Work is blocked by pinyin key.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from federation.merge.parties import PartyView
from federation.merge.rules import (
    CHECK_CHAR_CONFIDENCE,
    ID_CONFIDENCE,
    NAME,
    PINYIN,
    BirthRange,
    birth_agreement,
    evidence_rank,
    genders_agree,
    ids_conflict,
    join_confidence,
    latest_birth,
    native_places_agree,
    old_enough,
)
from schemas.id_numbers import implied_birth_date, implied_gender
from schemas.partial_dates import PartialDate

ID, CHECK_CHAR = "id", "check_char"


@dataclass(frozen=True, slots=True)
class Join:
    """One decision: ``party`` joined the person through ``target``, by ``kind``."""

    party: PartyView
    target: PartyView
    kind: str  # id | check_char | name | pinyin
    confidence: float
    birth_level: str | None = None
    gender: str | None = None  # the gender both sides state, if they do
    native_agrees: bool = False
    via_id: str | None = None  # the valid id number of the person joined, if any


@dataclass(frozen=True, slots=True)
class Ambiguity:
    """A unit that fits several id persons equally well, and was left apart."""

    party: PartyView
    id_numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fit:
    name_class: str
    birth_level: str
    gender: str | None
    native_known: bool
    mine: PartyView
    theirs: PartyView

    @property
    def rank(self) -> tuple[int, int, int, int]:
        return evidence_rank(self.name_class, self.birth_level, self.gender is not None,
                             self.native_known)

    @property
    def confidence(self) -> float:
        return join_confidence(self.name_class, self.birth_level)


@dataclass
class Profile:
    """What a cluster of parties is known to be: one id, names, birth, gender, places."""

    valid_id: str | None = None
    bodies: set[str] = field(default_factory=set)
    names: dict[str, PartyView] = field(default_factory=dict)  # by name_key
    pinyins: dict[str, PartyView] = field(default_factory=dict)
    birth: BirthRange = field(default_factory=BirthRange)
    gender: str | None = None
    natives: set[str] = field(default_factory=set)
    born_by: datetime.date | None = None  # the latest birth its record events allow

    def add(self, party: PartyView) -> None:
        if party.valid_id and self.valid_id is None:
            self.valid_id = party.valid_id
            implied = implied_birth_date(party.valid_id)
            if implied:
                self.birth = BirthRange.of(PartialDate.from_iso(implied))
            self.gender = implied_gender(party.valid_id)
        if party.id_body:
            self.bodies.add(party.id_body)
        if party.name:
            self.names.setdefault(party.name_key, party)
            self.pinyins.setdefault(party.pinyin, party)
        met = self.birth.meet(BirthRange.of(party.birth))
        if met is not None and not (self.valid_id and self.birth.known):
            self.birth = met
        if self.gender is None and party.gender:
            self.gender = party.gender
        if party.native:
            self.natives.add(party.native)
        latest = latest_birth(party.event)
        if latest is not None and (self.born_by is None or latest < self.born_by):
            self.born_by = latest

    def fit(self, other: Profile) -> Fit | None:
        """How ``self`` fits ``other`` as one person; None when something disagrees."""
        if ids_conflict(self.valid_id, other.valid_id):
            return None
        level = birth_agreement(self.birth, other.birth)
        if level is None or not genders_agree(self.gender, other.gender):
            return None
        if not old_enough(self.birth, other.born_by) or not old_enough(other.birth, self.born_by):
            return None
        if not all(native_places_agree(a, b) for a in self.natives for b in other.natives):
            return None
        shared = sorted(self.names.keys() & other.names.keys())
        if shared:
            name_class, mine, theirs = NAME, self.names[shared[0]], other.names[shared[0]]
        else:
            sounds = sorted(self.pinyins.keys() & other.pinyins.keys())
            if not sounds:
                return None
            name_class, mine, theirs = PINYIN, self.pinyins[sounds[0]], other.pinyins[sounds[0]]
        gender = self.gender if self.gender and self.gender == other.gender else None
        return Fit(name_class, level, gender, bool(self.natives and other.natives), mine, theirs)


@dataclass
class Cluster:
    """Parties found to be one person, with the decisions that joined them."""

    parties: list[PartyView]
    profile: Profile
    joins: list[Join] = field(default_factory=list)
    ambiguity: Ambiguity | None = None
    party_confidence: dict[str, float] = field(default_factory=dict)

    @property
    def anchor(self) -> PartyView:
        return self.parties[0]

    def take(self, other: Cluster) -> None:
        self.parties = sorted(self.parties + other.parties, key=lambda p: p.key)
        for party in other.parties:
            self.profile.add(party)
        self.joins.extend(other.joins)
        self.party_confidence.update(other.party_confidence)


def cluster_parties(parties: list[PartyView]) -> list[Cluster]:
    """Group parties (sorted by key) into clusters; deterministic for a given set."""
    id_clusters, rest = _by_id_number(parties)
    units = sorted(rest, key=lambda c: c.anchor.key)
    leftover = _join_id_persons(id_clusters, units)
    return id_clusters + _join_among(leftover)


def _new_cluster(party: PartyView) -> Cluster:
    profile = Profile()
    profile.add(party)
    return Cluster([party], profile, party_confidence={party.key: ID_CONFIDENCE})


def _by_id_number(parties: list[PartyView]) -> tuple[list[Cluster], list[Cluster]]:
    """Clusters of valid ids (with their check-character typos), and the other units."""
    by_valid: dict[str, Cluster] = {}
    for party in parties:
        if party.valid_id:
            cluster = by_valid.get(party.valid_id)
            if cluster is None:
                by_valid[party.valid_id] = _new_cluster(party)
            else:
                _attach(cluster, party, Join(party, cluster.anchor, ID, ID_CONFIDENCE))
    valid_by_body = {number[:17]: cluster for number, cluster in by_valid.items()}
    broken: dict[str, Cluster] = {}
    rest: list[Cluster] = []
    for party in parties:
        if party.valid_id:
            continue
        if party.id_body is None:
            rest.append(_new_cluster(party))
            continue
        target = valid_by_body.get(party.id_body) or broken.get(party.id_body)
        if target is None:
            broken[party.id_body] = _new_cluster(party)
            continue
        kind = ID if target.anchor.id_number == party.id_number else CHECK_CHAR
        confidence = ID_CONFIDENCE if kind == ID else CHECK_CHAR_CONFIDENCE
        _attach(target, party, Join(party, target.anchor, kind, confidence,
                                    via_id=target.profile.valid_id))
    return list(by_valid.values()), rest + list(broken.values())


def _attach(cluster: Cluster, party: PartyView, join: Join) -> None:
    cluster.parties.append(party)
    cluster.parties.sort(key=lambda p: p.key)
    cluster.profile.add(party)
    cluster.joins.append(join)
    cluster.party_confidence[party.key] = join.confidence


def _name_join(fit: Fit, confidence: float, via_id: str | None) -> Join:
    return Join(fit.mine, fit.theirs, fit.name_class, confidence, fit.birth_level,
                fit.gender, fit.native_known, via_id)


def _join_id_persons(id_clusters: list[Cluster], units: list[Cluster]) -> list[Cluster]:
    """Join units to the one id person each fits best; return the units that fit none."""
    by_sound: dict[str, list[Cluster]] = defaultdict(list)
    for cluster in id_clusters:
        for sound in cluster.profile.pinyins:
            by_sound[sound].append(cluster)
    leftover: list[Cluster] = []
    for unit in units:
        candidates = {id(c): c for s in sorted(unit.profile.pinyins) for c in by_sound[s]}
        fits = [(fit, c) for c in candidates.values()
                if (fit := unit.profile.fit(c.profile)) is not None]
        if not fits:
            leftover.append(unit)
            continue
        best = max(fit.rank for fit, _ in fits)
        top = [(fit, c) for fit, c in fits if fit.rank == best]
        if len(top) > 1:
            ids = tuple(sorted(c.profile.valid_id or "" for _, c in top))
            unit.ambiguity = Ambiguity(unit.anchor, ids)
            id_clusters.append(unit)  # kept apart, never joined to anything
            continue
        fit, target = top[0]
        # as sure as the weakest link on the way to the id: a name matched through a party
        # that itself joined by a homophone is no surer than that homophone
        confidence = min(fit.confidence, target.party_confidence.get(fit.theirs.key, 1.0))
        join = _name_join(fit, confidence, target.profile.valid_id)
        for key, value in unit.party_confidence.items():
            unit.party_confidence[key] = min(value, confidence)
        target.take(unit)
        target.joins.append(join)
    return leftover


def _join_among(units: list[Cluster]) -> list[Cluster]:
    """Join units that fit no id person to each other, strongest pairs first."""
    by_sound: dict[str, list[int]] = defaultdict(list)
    for index, unit in enumerate(units):
        for sound in unit.profile.pinyins:
            by_sound[sound].append(index)
    pairs: list[tuple[tuple[int, int, int, int], str, str, int, int, Fit]] = []
    seen: set[tuple[int, int]] = set()
    for members in by_sound.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                fit = units[b].profile.fit(units[a].profile)
                if fit is not None:
                    pairs.append((fit.rank, units[a].anchor.key, units[b].anchor.key, a, b, fit))
    pairs.sort(key=lambda item: (tuple(-r for r in item[0]), item[1], item[2]))
    root = list(range(len(units)))

    def find(index: int) -> int:
        while root[index] != index:
            root[index] = root[root[index]]
            index = root[index]
        return index

    # a unit's parties (joined among themselves by an id) belong to a merged person only as
    # surely as the unit's best name link to it: every one of them, not only the party that
    # made the link
    unit_of = {party.key: index for index, unit in enumerate(units) for party in unit.parties}
    best_link: dict[int, float] = {}
    for _, _, _, a, b, fit in pairs:
        ra, rb = find(a), find(b)
        if ra == rb or units[rb].profile.fit(units[ra].profile) is None:
            continue
        confidence = fit.confidence
        units[ra].take(units[rb])
        units[ra].joins.append(_name_join(fit, confidence, None))
        root[rb] = ra
        for party in (fit.mine, fit.theirs):
            unit = unit_of[party.key]
            best_link[unit] = max(best_link.get(unit, 0.0), confidence)
    clusters = [units[i] for i in range(len(units)) if find(i) == i]
    for cluster in clusters:
        for key in cluster.party_confidence:
            if len(cluster.parties) > 1:
                cluster.party_confidence[key] = min(cluster.party_confidence[key],
                                                    best_link.get(unit_of[key], 1.0))
    return clusters
