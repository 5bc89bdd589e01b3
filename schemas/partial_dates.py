"""Partial dates (year, year-month or full date) as archive catalogues write them.

A catalogue may know only the year of an event, or its month; the standard keeps the
precision written (``1952``, ``1952-03``, ``1952-03-04``) instead of inventing a day.
``parse_partial_date`` reads the forms found in real catalogues (``1975.3``, ``1975年3月``,
``一九七五年三月``, ``75-03-12``, compact ``19750312``, ISO). Two-digit years are read as
19xx: catalogues hold records made before 2000 in that form. Years outside 1800..2100 are
refused as typos.
"""

import calendar
import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MIN_YEAR = 1800
MAX_YEAR = 2100

_HINT = "write it as YYYY, YYYY-MM or YYYY-MM-DD (e.g. 1975-03-12)"


class InvalidDate(ValueError):
    """The text is not a readable, possible date."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Dates sort by their first day, a coarser date before a finer one on the same first day
    (``1952`` < ``1952-01`` < ``1952-01-01`` < ``1952-02``).
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        _check_parts(self.year, self.month, self.day)

    @classmethod
    def from_iso(cls, text: str) -> "PartialDate":
        """Read the standard's own form: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
        match = _ISO.fullmatch(text)
        if not match:
            raise InvalidDate(f"{text!r} is not a partial ISO date; {_HINT}")
        return cls(*(int(g) if g else None for g in match.groups()))

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        if self.day is not None:
            return "day"
        return "year" if self.month is None else "month"

    def iso(self) -> str:
        """``1952``, ``1952-03`` or ``1952-03-04``, as precise as known."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def start(self) -> datetime.date:
        """The first day this date may be."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def end(self) -> datetime.date:
        """The last day this date may be."""
        if self.month is None:
            return datetime.date(self.year, 12, 31)
        if self.day is None:
            return datetime.date(self.year, self.month, _days_in(self.year, self.month))
        return datetime.date(self.year, self.month, self.day)

    def overlaps(self, other: "PartialDate") -> bool:
        """Whether both may be the same day (``1952`` is compatible with ``1952-03-04``)."""
        return self.start() <= other.end() and other.start() <= self.end()

    def _sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: "PartialDate") -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __le__(self, other: "PartialDate") -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other: "PartialDate") -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() > other._sort_key()

    def __ge__(self, other: "PartialDate") -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() >= other._sort_key()


def parse_partial_date(text: str | None, extra_formats: Sequence[str] = ()) -> PartialDate | None:
    """Read a date as a catalogue writes it; None for an empty cell.

    ``extra_formats`` are strptime patterns (from an import mapping) tried first; a pattern
    with ``%d`` gives a full date, with a month but no day a month, else a year.
    """
    if text is None:
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        return None
    for fmt in extra_formats:
        parsed = _try_strptime(cleaned, fmt)
        if parsed is not None:
            return parsed
    parts = _read_builtin(cleaned)
    if parts is None:
        raise InvalidDate(f"{text.strip()!r} is not a date in a known form; {_HINT}")
    year, month, day = parts
    try:
        return PartialDate(year, month, day)
    except InvalidDate as exc:
        raise InvalidDate(f"{text.strip()!r} is not a possible date: {exc}") from None


# --- reading the built-in forms ----------------------------------------------------------

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
_SEPARATED = re.compile(r"(\d{4}|\d{2})([-/.])(\d{1,2})(?:\2(\d{1,2}))?", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(?:(\d{2})(\d{2})?)?", re.ASCII)

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
_CN_DIGIT_CLASS = "〇○零一二三四五六七八九"
_CN_NUMBER = f"[0-9{_CN_DIGIT_CLASS}十廿卅]{{1,3}}"
_CHINESE = re.compile(
    rf"([0-9{_CN_DIGIT_CLASS}]{{4}}|[0-9{_CN_DIGIT_CLASS}]{{2}})\s*年"
    rf"(?:\s*({_CN_NUMBER})\s*月(?:\s*({_CN_NUMBER})\s*[日号])?)?"
)


def _read_builtin(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) from a built-in form, not yet checked; None if no form fits."""
    for pattern, reader in (
        (_SEPARATED, _numeric_groups),
        (_COMPACT, _numeric_groups),
        (_CHINESE, _chinese_groups),
    ):
        match = pattern.fullmatch(text)
        if match:
            return reader(match)
    return None


def _numeric_groups(match: re.Match[str]) -> tuple[int, int | None, int | None] | None:
    groups = [g for g in match.groups() if g is None or g.isdigit()]
    year, month, day = (int(g) if g else None for g in groups)
    return _full_year(year, len(groups[0])), month, day


def _chinese_groups(match: re.Match[str]) -> tuple[int, int | None, int | None] | None:
    year_text, month_text, day_text = match.groups()
    year = int("".join(str(_digit(c)) for c in year_text))
    month = _cn_number(month_text) if month_text else None
    day = _cn_number(day_text) if day_text else None
    if month == -1 or day == -1:
        return None
    return _full_year(year, len(year_text)), month, day


def _digit(char: str) -> int:
    return int(char) if char.isascii() else _CN_DIGITS[char]


def _cn_number(text: str) -> int:
    """A month or day number: ``3``, ``12``, ``十二``, ``二十``, ``三十一``, ``廿一``; -1 if odd."""
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" not in text:
        return int("".join(str(_digit(c)) for c in text))
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return -1
    return (_digit(tens) if tens else 1) * 10 + (_digit(units) if units else 0)


def _full_year(year: int, digits: int) -> int:
    return 1900 + year if digits == 2 else year


def _try_strptime(text: str, fmt: str) -> PartialDate | None:
    if "%Y" not in fmt and "%y" not in fmt:
        raise InvalidDate(f"date format {fmt!r} has no year (%Y or %y); fix the mapping")
    try:
        parsed = datetime.datetime.strptime(text, fmt)
    except ValueError:
        return None
    year = 1900 + parsed.year % 100 if "%y" in fmt else parsed.year
    has_month = any(d in fmt for d in ("%m", "%b", "%B"))
    try:
        if "%d" in fmt:
            return PartialDate(year, parsed.month, parsed.day)
        return PartialDate(year, parsed.month) if has_month else PartialDate(year)
    except InvalidDate:
        return None


# --- checking ----------------------------------------------------------------------------


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _check_parts(year: int, month: int | None, day: int | None) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDate(f"year {year} is outside {MIN_YEAR}..{MAX_YEAR}")
    if month is None:
        if day is not None:
            raise InvalidDate("a day needs a month")
        return
    if not 1 <= month <= 12:
        raise InvalidDate(f"month {month} is not between 1 and 12")
    if day is not None and not 1 <= day <= _days_in(year, month):
        raise InvalidDate(f"{year:04d}-{month:02d} has no day {day}")
