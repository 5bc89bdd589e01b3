"""Working days: when a request's acceptance (2 working days) and search (4) fall due.

The national holidays and the weekend days worked in their place (调休) come from
`chinese_calendar` (the State Council's yearly notice); an archive's own calendar file
(`HOLIDAY_CALENDAR`, YAML with `holidays:` and `workdays:` lists of dates) adds or
overrides days. Years the library does not know yet count weekends only.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import yaml

#: the archives' working days are China's: a request filed at 07:00 Beijing time on a
#: Monday is a Monday request, though it is still Sunday in UTC
ARCHIVE_TIME = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime | None = None) -> date:
    """The date in China at `moment` (now if not given); stored times are UTC."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ARCHIVE_TIME).date()


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)  # closed though a weekday
    workdays: frozenset[date] = field(default_factory=frozenset)  # open though a weekend

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the library has no notice for
            return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (the day of application not counted)."""
        day, left = start, days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if `end` <= `start`)."""
        return sum(1 for offset in range(1, (end - start).days + 1)
                   if self.is_working_day(start + timedelta(days=offset)))


def _dates(values: Iterable[object] | None, path: Path, key: str) -> frozenset[date]:
    days = set()
    for value in values or ():
        if isinstance(value, date):
            days.add(value)
            continue
        try:
            days.add(date.fromisoformat(str(value)))
        except ValueError as exc:
            raise ValueError(f"{path}: {key}: {value!r} is not a date (YYYY-MM-DD)") from exc
    return frozenset(days)


def load_calendar(path: Path | None) -> WorkingCalendar:
    if path is None:
        return WorkingCalendar()
    data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with `holidays` and `workdays`")
    return WorkingCalendar(_dates(data.get("holidays"), path, "holidays"),
                           _dates(data.get("workdays"), path, "workdays"))
