"""Compatibility tests and the confidence of each kind of join.

Two parties (or a party and a person being assembled) may be the same person when their
names agree (same normalized name, or at least the same pinyin key: a homophone), and
nothing known disagrees: birth dates overlap at their precision, genders agree (``U`` or
unknown agrees with anything) and native places agree when both are known (one containing
the other, after ``schemas.places.place_core``). Two different valid id numbers never agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from schemas.partial_dates import PartialDate

# How a name agrees: the same normalized name (written the same, or in a traditional or
# variant form, or with the common character GBK systems write for a rare one: 吉 for 𠮷),
# or only the same pinyin (a clerk's homophone).
NAME = "name"
PINYIN = "pinyin"

# How precisely birth dates agree: the coarser precision of the two dates compared.
DAY, MONTH, YEAR, UNKNOWN = "day", "month", "year", "unknown"
_PRECISION_RANK = {DAY: 3, MONTH: 2, YEAR: 1, UNKNOWN: 0}

# Nobody is a party to a marriage, a recruitment, a dispatch to the countryside or a
# forestry certificate before this age: a person born later cannot be the party.
MIN_AGE_AT_EVENT = 14

# Confidence that two parties are one person, by the evidence that joined them.
ID_CONFIDENCE = 1.0
CHECK_CHAR_CONFIDENCE = 0.95
JOIN_CONFIDENCE: dict[tuple[str, str], float] = {
    (NAME, DAY): 0.95,
    (NAME, MONTH): 0.92,
    (NAME, YEAR): 0.85,
    (NAME, UNKNOWN): 0.7,
    (PINYIN, DAY): 0.8,
    (PINYIN, MONTH): 0.75,
    (PINYIN, YEAR): 0.65,
    (PINYIN, UNKNOWN): 0.5,
}


@dataclass(frozen=True, slots=True)
class BirthRange:
    """What is known of a birth date: the days it may be, and the most precise date seen."""

    best: PartialDate | None = None
    start: object = None  # datetime.date | None
    end: object = None

    @classmethod
    def of(cls, date: PartialDate | None) -> BirthRange:
        if date is None:
            return cls()
        return cls(date, date.start(), date.end())

    @property
    def known(self) -> bool:
        return self.best is not None

    def meet(self, other: BirthRange) -> BirthRange | None:
        """Both at once; None when they cannot be the same day."""
        if not self.known:
            return other
        if not other.known:
            return self
        start, end = max(self.start, other.start), min(self.end, other.end)  # type: ignore
        if start > end:
            return None
        best = self.best if precision_rank(self.best) >= precision_rank(other.best) else other.best
        return BirthRange(best, start, end)


def precision_rank(date: PartialDate | None) -> int:
    return _PRECISION_RANK[date.precision] if date is not None else 0


def birth_agreement(a: BirthRange, b: BirthRange) -> str | None:
    """``day``/``month``/``year`` (the coarser precision), ``unknown``, or None: conflict."""
    if not a.known or not b.known:
        return UNKNOWN
    if a.meet(b) is None:
        return None
    assert a.best is not None and b.best is not None
    coarser = min(precision_rank(a.best), precision_rank(b.best))
    return next(level for level, rank in _PRECISION_RANK.items() if rank == coarser)


def latest_birth(event: PartialDate | None) -> datetime.date | None:
    """The last day a party to an event of this date can have been born."""
    if event is None:
        return None
    end = event.end()
    day = 28 if (end.month, end.day) == (2, 29) else end.day
    return datetime.date(end.year - MIN_AGE_AT_EVENT, end.month, day)


def old_enough(birth: BirthRange, born_by: datetime.date | None) -> bool:
    """Whether someone born in ``birth`` can have been a party of an event ``born_by`` allows."""
    return not birth.known or born_by is None or birth.start <= born_by  # type: ignore


def genders_agree(a: str | None, b: str | None) -> bool:
    """Unknown (None or ``U``) agrees with anything."""
    return a not in ("M", "F") or b not in ("M", "F") or a == b


def native_places_agree(a: str | None, b: str | None) -> bool:
    """Normalized native places agree when either is unknown or one contains the other."""
    if not a or not b:
        return True
    a_code, b_code = a.startswith("code:"), b.startswith("code:")
    if a_code != b_code:
        return True  # a region code and a written place: no way to compare here
    if a_code:
        a, b = a[5:].rstrip("0") or a[5:], b[5:].rstrip("0") or b[5:]
        return a.startswith(b) or b.startswith(a)
    return a in b or b in a


def ids_conflict(a: str | None, b: str | None) -> bool:
    """Two different valid id numbers: never one person."""
    return a is not None and b is not None and a != b


def join_confidence(name_class: str, birth_level: str) -> float:
    return JOIN_CONFIDENCE[(name_class, birth_level)]


def evidence_rank(name_class: str, birth_level: str, gender_known: bool,
                  native_known: bool) -> tuple[int, int, int, int]:
    """Stronger evidence sorts higher; equal ranks are an equally good fit."""
    return (2 if name_class == NAME else 1, _PRECISION_RANK[birth_level],
            int(gender_known), int(native_known))
