"""Partial dates (year, year-month or full date) as archive catalogues write them.

A catalogue may know only the year of an event, or its month; the standard keeps the
precision written (``1952``, ``1952-03``, ``1952-03-04``) instead of inventing a day.
``parse_partial_date`` reads the forms found in real catalogues (``1975.3``, ``1975年3月``,
``一九七五年三月``, ``75-03-12``, compact ``19750312``, ISO). Two-digit years are read as
19xx: catalogues hold records made before 2000 in that form. Years outside 1800..2100 are
refused as typos.

A vaguer date keeps the precision it has: a part of a month (``1975年3月上旬``, ``3月底``) is
the month, a season or part of a year (``1975年春``, ``1975年底``, ``上半年``) the year, the
one written even for a winter that runs into the next. A date may end with a full stop
(``1975.3.``, ``1975年3月12日。``) and be separated by any dash (``1975—03—12``). A range
(``1975—1977``, ``1975~3``) is refused with its own message: no single date is in it.
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
    cleaned = _without_full_stop(cleaned)
    parts = _read_builtin(cleaned)
    if parts is None:
        raise _unreadable(text.strip(), cleaned)
    year, month, day = parts
    try:
        return PartialDate(year, month, day)
    except InvalidDate as exc:
        raise InvalidDate(f"{text.strip()!r} is not a possible date: {exc}") from None


# --- reading the built-in forms ----------------------------------------------------------

_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
# Typed or converted catalogues separate with any dash (NFKC already made the full-width
# and small hyphen-minus ASCII, the small em dash an em dash): hyphen, figure dash, en dash,
# em dash, horizontal bar, minus sign. Not ~: in Chinese writing it marks a range.
_DASHES = "\u2010\u2012\u2013\u2014\u2015\u2212"
_SEPARATED = re.compile(
    rf"(\d{{4}}|\d{{2}})([-/.{_DASHES}])(\d{{1,2}})(?:\2(\d{{1,2}}))?", re.ASCII
)
_COMPACT = re.compile(r"(\d{4})(?:(\d{2})(\d{2})?)?", re.ASCII)
# A date may end like a sentence: one full stop, ASCII or ideographic (after NFKC).
_FULL_STOPS = ".\u3002"

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
_CN_DIGIT_CLASS = "〇○零一二三四五六七八九"
_CN_YEAR = f"[0-9{_CN_DIGIT_CLASS}]{{4}}|[0-9{_CN_DIGIT_CLASS}]{{2}}"
_CN_NUMBER = f"[0-9{_CN_DIGIT_CLASS}十廿卅]{{1,3}}"
# Parts of a month (上旬/中旬/下旬 are its ten-day thirds; 初, 中, 底, 末 its beginning,
# middle, end; 份 the month itself) and of a year (a season; 初, 中, 底, 末, also after a
# repeated 年; a half): the model has no finer precision than the month or year they are in.
_MONTH_PART = "[上中下]旬|[初中底末]|份"  # 3月份: "the month of March"
_SEASON = "[春夏秋冬][季天]?"
_YEAR_PART = f"{_SEASON}|年?[初中底末]|[上下]半年"
_CHINESE = re.compile(
    rf"({_CN_YEAR})\s*(?:"
    rf"年(?:\s*({_CN_NUMBER})\s*月(?:\s*({_CN_NUMBER})\s*[日号]|\s*(?:{_MONTH_PART}))?"
    rf"|\s*(?:{_YEAR_PART}))?"
    rf"|{_SEASON})"  # 1975春: a season may follow the year without 年
)

# Where a range may be split: any dash, ~ (full-width ~ after NFKC) or 〜, 至 or 到 ("to").
_RANGE_MARK = re.compile(f"[-~\u301c至到{_DASHES}]")
# Marks that only ever mean a range, never a separator within one date.
_RANGE_ONLY_MARK = re.compile("[~\u301c至到]")
# Each end of a range starts with a full year: "1975-03/12" is not 1975 to 1903-12.
_FULL_YEAR_START = re.compile(f"[0-9{_CN_DIGIT_CLASS}]{{4}}")


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


def _without_full_stop(text: str) -> str:
    """The text without the one full stop a date may end with (``1975.3.``, ``1975年3月12日。``)."""
    if text[-1] in _FULL_STOPS:
        return text[:-1].rstrip()
    return text


def _unreadable(shown: str, text: str) -> InvalidDate:
    """Why no built-in form reads ``text``: it is a range, holds a range mark, or is unknown.

    Only text that failed comes here, so the search for a range costs nothing to a date.
    """
    ends = _range_ends(text)
    if ends is not None:
        first, last = ends
        return InvalidDate(
            f"{shown!r} is a range ({first.iso()} to {last.iso()}), not one date; {_HINT}"
        )
    mark = _RANGE_ONLY_MARK.search(text)
    if mark is not None:
        return InvalidDate(
            f"{shown!r} holds {mark.group()!r}, which marks a range, not one date; {_HINT}"
        )
    return InvalidDate(f"{shown!r} is not a date in a known form; {_HINT}")


def _range_ends(text: str) -> tuple[PartialDate, PartialDate] | None:
    """The two dates of a range written where one date belongs (``1975—1977``), or None."""
    for mark in _RANGE_MARK.finditer(text):
        first = _range_end(text[: mark.start()])
        last = _range_end(text[mark.end() :]) if first is not None else None
        if first is not None and last is not None:
            return first, last
    return None


def _range_end(text: str) -> PartialDate | None:
    """One end of a range, if it is a possible date with a full year; else None."""
    text = text.strip()
    if not _FULL_YEAR_START.match(text):
        return None
    parts = _read_builtin(text)
    if parts is None:
        return None
    try:
        return PartialDate(*parts)
    except InvalidDate:
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
