"""Tests for partial dates: the forms catalogues use, precision, ranges and ordering."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.partial_dates import InvalidDate, PartialDate, parse_partial_date

Y = PartialDate(1975)
YM = PartialDate(1975, 3)
YMD = PartialDate(1975, 3, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1975", Y),
        ("1975-03", YM),
        ("1975-3", YM),
        ("1975-03-12", YMD),
        ("1975-3-12", YMD),
        ("1975/3/12", YMD),
        ("1975/03", YM),
        ("1975.3", YM),
        ("1975.03.12", YMD),
        ("19750312", YMD),
        ("197503", YM),
        ("1975年", Y),
        ("1975年3月", YM),
        ("1975年03月", YM),
        ("1975年3月12日", YMD),
        ("1975年3月12号", YMD),
        ("1975 年 3 月 12 日", YMD),
        ("一九七五年", Y),
        ("一九七五年三月", YM),
        ("一九七五年三月十二日", YMD),
        ("一九七五年十二月", PartialDate(1975, 12)),
        ("一九七五年十月二十日", PartialDate(1975, 10, 20)),
        ("一九七五年十月三十一日", PartialDate(1975, 10, 31)),
        ("一九七五年三月廿一日", PartialDate(1975, 3, 21)),
        ("一九七五年三月卅日", PartialDate(1975, 3, 30)),
        ("一九〇五年", PartialDate(1905)),
        ("一九○五年", PartialDate(1905)),
        ("一九零五年", PartialDate(1905)),
        ("二〇〇一年十月三十一日", PartialDate(2001, 10, 31)),
        ("1975年三月", YM),
        ("七五年三月", YM),
        ("１９７５－０３－１２", YMD),  # full-width digits and hyphen
        ("１９７５年３月", YM),
        ("  1975-03-12  ", YMD),
        ("\u30001975.3\u3000", YM),
        ("75-03-12", YMD),
        ("75.3", YM),
        ("75/3/12", YMD),
        ("75年3月", YM),
        ("05年", PartialDate(1905)),  # two-digit years are 19xx, as documented
        ("00-01-01", PartialDate(1900, 1, 1)),
        ("1800", PartialDate(1800)),
        ("2100-12-31", PartialDate(2100, 12, 31)),
        ("2000-02-29", PartialDate(2000, 2, 29)),
    ],
)
def test_builtin_forms(text: str, expected: PartialDate) -> None:
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # ten-day parts of a month, and its beginning, middle and end: the month, no day
        ("1985年3月上旬", "1985-03"),
        ("1985年3月份", "1985-03"),
        ("一九八五年三月份", "1985-03"),
        ("1985年3月中旬", "1985-03"),
        ("1985年3月下旬", "1985-03"),
        ("1985年03月 下旬", "1985-03"),
        ("一九八五年三月上旬", "1985-03"),
        ("一九八五年十二月下旬", "1985-12"),
        ("1985年三月中旬", "1985-03"),
        ("１９８５年３月上旬", "1985-03"),
        ("85年3月下旬", "1985-03"),
        ("1985年3月初", "1985-03"),
        ("1985年3月中", "1985-03"),
        ("1985年3月底", "1985-03"),
        ("1985年3月末", "1985-03"),
        # seasons and parts of a year: the year written (winter too)
        ("1985年春", "1985"),
        ("1985年夏季", "1985"),
        ("1985年秋", "1985"),
        ("1985年冬", "1985"),
        ("1985年冬季", "1985"),
        ("1985年春天", "1985"),
        ("1985春", "1985"),
        ("1985 年 秋季", "1985"),
        ("一九八五年冬", "1985"),
        ("一九八五春", "1985"),
        ("1985年初", "1985"),
        ("1985年底", "1985"),
        ("1985年末", "1985"),
        ("1985年中", "1985"),
        ("1985年年底", "1985"),
        ("1985年上半年", "1985"),
        ("1985年下半年", "1985"),
        # a date ended like a sentence
        ("1985.3.", "1985-03"),
        ("1985.03.12.", "1985-03-12"),
        ("1985年3月12日。", "1985-03-12"),
        ("1985年3月12日｡", "1985-03-12"),  # half-width ideographic full stop
        ("1985年3月上旬。", "1985-03"),
        ("1985-03-12.", "1985-03-12"),
        ("19850312.", "1985-03-12"),
        ("1985.", "1985"),
        ("1985.3. ", "1985-03"),
        ("1985.3 .", "1985-03"),
        ("１９８５．３．", "1985-03"),
        # dash look-alikes as separators (the same one throughout)
        ("1985—03—12", "1985-03-12"),  # em dash
        ("1985﹘03﹘12", "1985-03-12"),  # small em dash
        ("1985－03－12", "1985-03-12"),  # full-width hyphen-minus
        ("1985﹣3", "1985-03"),  # small hyphen-minus
        ("1985–3", "1985-03"),  # en dash
        ("1985―3", "1985-03"),  # horizontal bar
        ("1985‒3", "1985-03"),  # figure dash
        ("1985‐03‐12", "1985-03-12"),  # hyphen
        ("1985‑03", "1985-03"),  # non-breaking hyphen
        ("1985−3−12", "1985-03-12"),  # minus sign
        ("85—3—12", "1985-03-12"),
        ("1985—3.", "1985-03"),
        # full-width digits
        ("１９８５年３月１２日", "1985-03-12"),
        ("１９８５．３", "1985-03"),
    ],
)
def test_qualified_stopped_and_dashed_forms(text: str, iso: str) -> None:
    parsed = parse_partial_date(text)
    assert parsed is not None
    assert parsed.iso() == iso


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1985—1987", r"'1985—1987' is a range \(1985 to 1987\), not one date"),
        ("1985-1987", r"range \(1985 to 1987\)"),
        ("1985–1987", r"range \(1985 to 1987\)"),
        ("1985 — 1987", r"range \(1985 to 1987\)"),
        ("1985—1987。", r"range \(1985 to 1987\)"),
        ("1985年—1987年", r"range \(1985 to 1987\)"),
        ("1985.3—1986.5", r"range \(1985-03 to 1986-05\)"),
        ("1985-03-12—1985-04-01", r"range \(1985-03-12 to 1985-04-01\)"),
        ("1985年3月—1986年", r"range \(1985-03 to 1986\)"),
        ("1985年至1987年", r"range \(1985 to 1987\)"),
        ("1985~1987", r"range \(1985 to 1987\)"),
        ("一九八五年到一九八七年", r"range \(1985 to 1987\)"),
        ("1985~3", r"'1985~3' holds '~', which marks a range"),  # ~ is never a separator
        ("1985～3", "which marks a range"),
        ("1985〜3", "which marks a range"),
        ("1985年3月至5月", "holds '至', which marks a range"),
        ("1985—13", "month 13"),
        ("1985—03–12", "known form"),  # two kinds of dash, like 1975-03/12
        ("1985——03——12", "known form"),
        ("1985.3..", "known form"),
        ("1985.3。.", "known form"),
        (".", "known form"),
        ("。", "known form"),
        ("1985年上旬", "known form"),  # ten days of which month?
        ("1985年3月上", "known form"),
        ("1985年3月12日上旬", "known form"),
        ("1985年13月上旬", "month 13"),
        ("1985年春节", "known form"),  # a festival, not a season
        ("1985年左右", "known form"),  # approximate: not read as if exact
        ("约1985年", "known form"),
        ("1985年春夏", "known form"),
    ],
)
def test_ranges_and_near_misses_raise(text: str, fragment: str) -> None:
    with pytest.raises(InvalidDate, match=fragment):
        parse_partial_date(text)


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000", "\t"])
def test_blank_is_none(text: str | None) -> None:
    assert parse_partial_date(text) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1975-13", "month 13"),
        ("1975-00", "month 0"),
        ("1975-02-30", "1975-02 has no day 30"),
        ("1900-02-29", "has no day 29"),
        ("19751301", "month 13"),
        ("一九七五年十三月", "month 13"),
        ("一九七五年二月三十日", "has no day 30"),
        ("1975-04-31", "has no day 31"),
        ("1799", "outside 1800..2100"),
        ("2101-01", "outside 1800..2100"),
        ("0000", "outside"),
        ("750312", "outside"),  # six digits are YYYYMM, never YYMMDD
        ("hello", "known form"),
        ("75", "known form"),
        ("1975-03/12", "known form"),
        ("1975--03", "known form"),
        ("1975年3", "known form"),
        ("1975年3月12", "known form"),
        ("197", "known form"),
        ("1975031", "known form"),
        ("一九七五年一十二十月", "known form"),
        ("一九七五年十十月", "known form"),
        ("03/12/1975", "known form"),
        ("1975-03-12T00:00", "known form"),
    ],
)
def test_unreadable_or_impossible_dates_raise(text: str, fragment: str) -> None:
    with pytest.raises(InvalidDate, match=fragment):
        parse_partial_date(text)


def test_error_names_the_text() -> None:
    with pytest.raises(InvalidDate, match="'1975-13'"):
        parse_partial_date("1975-13")


def test_invalid_date_is_a_value_error() -> None:
    assert issubclass(InvalidDate, ValueError)


@pytest.mark.parametrize(
    ("text", "formats", "expected"),
    [
        ("12/03/1975", ["%d/%m/%Y"], YMD),
        ("03/1975", ["%m/%Y"], YM),
        ("Mar 1975", ["%b %Y"], YM),
        ("Y1975", ["Y%Y"], Y),
        ("12/03/75", ["%d/%m/%y"], YMD),
        ("12/03/05", ["%d/%m/%y"], PartialDate(1905, 3, 12)),  # 19xx, not strptime's 20xx
        ("12/03/1975", ["%Y-%m", "%d/%m/%Y"], YMD),  # first pattern that fits wins
        ("1975-03", ["%d/%m/%Y"], YM),  # no pattern fits: built-in forms still apply
        ("03/04/1975", ["%d/%m/%Y", "%m/%d/%Y"], PartialDate(1975, 4, 3)),
    ],
)
def test_extra_formats(text: str, formats: list[str], expected: PartialDate) -> None:
    assert parse_partial_date(text, formats) == expected


def test_extra_formats_see_the_full_stop() -> None:
    # a mapping's own pattern may end with a dot: it is tried on the text as written
    assert parse_partial_date("12.03.1975.", ["%d.%m.%Y."]) == YMD


def test_extra_format_without_a_year_is_a_mapping_error() -> None:
    with pytest.raises(InvalidDate, match="has no year"):
        parse_partial_date("12/03", ["%d/%m"])


def test_extra_format_outside_year_range_falls_through_and_fails() -> None:
    with pytest.raises(InvalidDate):
        parse_partial_date("12/03/1700", ["%d/%m/%Y"])


@pytest.mark.parametrize(
    ("date", "iso", "precision", "start", "end"),
    [
        (Y, "1975", "year", "1975-01-01", "1975-12-31"),
        (YM, "1975-03", "month", "1975-03-01", "1975-03-31"),
        (YMD, "1975-03-12", "day", "1975-03-12", "1975-03-12"),
        (PartialDate(1952, 2), "1952-02", "month", "1952-02-01", "1952-02-29"),
        (PartialDate(1953, 2), "1953-02", "month", "1953-02-01", "1953-02-28"),
        (PartialDate(1900, 2), "1900-02", "month", "1900-02-01", "1900-02-28"),
        (PartialDate(1975, 4), "1975-04", "month", "1975-04-01", "1975-04-30"),
    ],
)
def test_iso_precision_and_range(
    date: PartialDate, iso: str, precision: str, start: str, end: str
) -> None:
    assert date.iso() == iso
    assert date.precision == precision
    assert date.start() == datetime.date.fromisoformat(start)
    assert date.end() == datetime.date.fromisoformat(end)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1952", "1952-03-04", True),
        ("1952", "1952-03", True),
        ("1952-03", "1952-03-04", True),
        ("1952-03-04", "1952-03-04", True),
        ("1952", "1953", False),
        ("1952-03", "1952-04-01", False),
        ("1952-03-04", "1952-03-05", False),
        ("1952", "1953-01-01", False),
        ("1952-12", "1952-12-31", True),
    ],
)
def test_overlaps(a: str, b: str, expected: bool) -> None:
    left, right = PartialDate.from_iso(a), PartialDate.from_iso(b)
    assert left.overlaps(right) is expected
    assert right.overlaps(left) is expected


@pytest.mark.parametrize("text", ["1975.3", "75-03", "1975/03/12", "19750312", "1975-3", ""])
def test_from_iso_is_strict(text: str) -> None:
    with pytest.raises(InvalidDate):
        PartialDate.from_iso(text)


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(1975, None, 1), (1975, 13, None), (1975, 0, None), (1975, 2, 29), (1799, None, None)],
)
def test_constructor_refuses_impossible_dates(
    year: int, month: int | None, day: int | None
) -> None:
    with pytest.raises(InvalidDate):
        PartialDate(year, month, day)


def test_sorting_mixes_precisions_by_first_day_coarser_first() -> None:
    texts = ["1952-02", "1952-01-01", "1951-12-31", "1952", "1952-01", "1953"]
    ordered = sorted(PartialDate.from_iso(t) for t in texts)
    assert [d.iso() for d in ordered] == [
        "1951-12-31",
        "1952",
        "1952-01",
        "1952-01-01",
        "1952-02",
        "1953",
    ]
    assert PartialDate(1952) < PartialDate(1952, 1) <= PartialDate(1952, 1)
    assert PartialDate(1953) > PartialDate(1952, 12, 31) >= PartialDate(1952, 12)


def test_is_hashable_and_frozen() -> None:
    assert len({YM, PartialDate(1975, 3), Y}) == 2
    with pytest.raises(AttributeError):
        YM.year = 1976  # type: ignore[misc]


# --- properties --------------------------------------------------------------------------


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(datetime.date(1800, 1, 1), datetime.date(2100, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


@given(partial_dates())
def test_iso_round_trips(date: PartialDate) -> None:
    assert parse_partial_date(date.iso()) == date
    assert PartialDate.from_iso(date.iso()) == date


@given(partial_dates())
def test_chinese_numerals_round_trip(date: PartialDate) -> None:
    digits = "〇一二三四五六七八九"
    text = "".join(digits[int(c)] for c in str(date.year)) + "年"
    if date.month is not None:
        text += f"{_cn(date.month)}月"
    if date.day is not None:
        text += f"{_cn(date.day)}日"
    assert parse_partial_date(text) == date


def _cn(number: int) -> str:
    digits = "〇一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


@given(partial_dates())
def test_dotted_and_compact_forms_agree(date: PartialDate) -> None:
    dotted = date.iso().replace("-", ".")
    compact = date.iso().replace("-", "")
    assert parse_partial_date(dotted) == date
    assert parse_partial_date(compact) == date


@given(
    partial_dates(),
    st.sampled_from("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"),
    st.sampled_from(["", ".", "。", " .", "。 "]),
)
def test_dashes_and_full_stops_agree_with_iso(date: PartialDate, dash: str, stop: str) -> None:
    assert parse_partial_date(date.iso().replace("-", dash) + stop) == date


@given(partial_dates(), st.sampled_from(["上旬", "中旬", "下旬", "初", "中", "底", "末"]))
def test_parts_of_a_month_keep_the_month(date: PartialDate, part: str) -> None:
    month = date.month or 1
    text = f"{date.year}年{_cn(month)}月{part}"
    assert parse_partial_date(text) == PartialDate(date.year, month)


@given(partial_dates(), st.sampled_from(["春", "夏季", "秋天", "冬", "初", "底", "上半年"]))
def test_parts_of_a_year_keep_the_year(date: PartialDate, part: str) -> None:
    assert parse_partial_date(f"{date.year}年{part}") == PartialDate(date.year)


@given(partial_dates(), partial_dates())
def test_overlap_matches_ranges_and_contains_itself(a: PartialDate, b: PartialDate) -> None:
    assert a.overlaps(a)
    assert a.start() <= a.end()
    assert a.overlaps(b) == (not (a.end() < b.start() or b.end() < a.start()))


@given(partial_dates(), partial_dates())
def test_order_is_consistent_with_equality(a: PartialDate, b: PartialDate) -> None:
    assert (a == b) == (not a < b and not b < a)
    if a.start() < b.start():
        assert a < b


@given(st.text(max_size=20))
def test_parser_only_ever_raises_invalid_date(text: str) -> None:
    try:
        parsed = parse_partial_date(text)
    except InvalidDate:
        return
    assert parsed is None or 1800 <= parsed.year <= 2100
