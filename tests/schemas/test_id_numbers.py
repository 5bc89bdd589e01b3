"""Tests for resident ID number parsing, upgrading and the facts a number implies."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from schemas.id_numbers import (
    IdNumber,
    InvalidIdNumber,
    check_character,
    implied_birth_date,
    implied_gender,
    parse_id_number,
    to_15,
)

KNOWN_VALID = "11010519491231002X"  # GB 11643-1999's own example


def make_id(region: str = "510502", birth: str = "19520304", seq: str = "123") -> str:
    body = region + birth + seq
    return body + check_character(body)


def wrong_check(number: str) -> str:
    """The same number with a check character that does not hold."""
    bad = "0" if number[17] != "0" else "1"
    return number[:17] + bad


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("11010519491231002", "X"),
        ("36042619910101007", "1"),  # python-stdnum's doc example 360426199101010071
        ("44030719800101001", ric.calc_check_digit("440307198001010010")),
    ],
)
def test_check_character(body: str, expected: str) -> None:
    assert check_character(body) == expected


@pytest.mark.parametrize(
    "body", ["", "1101051949123100", "110105194912310021", "1101051949123100X"]
)
def test_check_character_needs_17_digits(body: str) -> None:
    with pytest.raises(InvalidIdNumber):
        check_character(body)


@pytest.mark.parametrize(
    "raw",
    [
        KNOWN_VALID,
        "11010519491231002x",
        " 11010519491231002X ",
        "110105 19491231 002X",
        "\u3000１１０１０５１９４９１２３１００２Ｘ\u3000",  # full-width digits and spaces
        "110105\t19491231\n002x",
    ],
)
def test_18_character_forms_normalize(raw: str) -> None:
    parsed = parse_id_number(raw)
    assert parsed == IdNumber(raw=raw, normalized=KNOWN_VALID, valid=True, was_15=False)
    assert parsed.body == "11010519491231002"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000\u3000", "\t\n"])
def test_empty_is_none(raw: str | None) -> None:
    assert parse_id_number(raw) is None


def test_bad_check_character_is_kept_not_raised() -> None:
    raw = "110105194912310021"
    parsed = parse_id_number(raw)
    assert parsed is not None
    assert parsed.normalized == raw
    assert parsed.valid is False
    assert parsed.was_15 is False


# 1593 and 2150: real calendar dates, but outside the years the standard's dates hold
@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490001", "19490100", "00000000",
                                   "15931119", "21501119"])
def test_impossible_birth_date_is_invalid_even_with_right_check(birth: str) -> None:
    number = make_id(birth=birth)
    parsed = parse_id_number(number)
    assert parsed is not None
    assert parsed.normalized == number
    assert parsed.valid is False


def test_leap_day_is_real() -> None:
    parsed = parse_id_number(make_id(birth="19520229"))
    assert parsed is not None and parsed.valid


def test_15_digit_upgrade() -> None:
    parsed = parse_id_number("110105491231002")
    assert parsed == IdNumber(
        raw="110105491231002", normalized=KNOWN_VALID, valid=True, was_15=True
    )


def test_15_digit_with_impossible_date_is_kept_invalid() -> None:
    parsed = parse_id_number("510502520230123")
    assert parsed is not None
    assert parsed.was_15 is True
    assert parsed.valid is False
    assert parsed.normalized == make_id(birth="19520230")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1101051949123100", "has 16"),
        ("1101051949123100211", "has 19"),
        ("12345", "has 5"),
        ("11010519491231X02X", "17 digits followed by a digit or X"),
        ("1101051949123100A", "has 17"),
        ("11010549123100X", "all digits"),
        ("身份证号码不详", "has 7"),
        ("110105-19491231-002X", "has 20"),
    ],
)
def test_unreadable_numbers_raise_with_reason(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidIdNumber, match=fragment):
        parse_id_number(raw)


def test_error_message_does_not_leak_the_number() -> None:
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number("1101051949123100211")
    assert "1101051949123100211" not in str(info.value)


def test_invalid_id_number_is_a_value_error() -> None:
    assert issubclass(InvalidIdNumber, ValueError)


@pytest.mark.parametrize(
    ("number", "birth"),
    [
        (KNOWN_VALID, "1949-12-31"),
        (make_id(birth="20010101"), "2001-01-01"),
        (make_id(birth="19520229"), "1952-02-29"),
        (make_id(birth="19530229"), None),
        (make_id(birth="19521301"), None),
        ("not a number", None),
        ("110105491231002", None),  # 15-digit forms are parsed first
    ],
)
def test_implied_birth_date(number: str, birth: str | None) -> None:
    assert implied_birth_date(number) == birth


@pytest.mark.parametrize(
    ("seq", "gender"),
    [("001", "M"), ("002", "F"), ("123", "M"), ("120", "F"), ("009", "M"), ("998", "F")],
)
def test_implied_gender(seq: str, gender: str) -> None:
    assert implied_gender(make_id(seq=seq)) == gender


def test_known_valid_is_female() -> None:
    assert implied_gender(KNOWN_VALID) == "F"


def test_implied_gender_of_garbage_is_none() -> None:
    assert implied_gender("12345") is None


@pytest.mark.parametrize(
    ("number", "old"),
    [
        (KNOWN_VALID, "110105491231002"),
        (make_id(birth="19000101", seq="001"), "510502000101001"),
        (make_id(birth="20010101"), None),
        (make_id(birth="18991231"), None),
        ("short", None),
    ],
)
def test_to_15(number: str, old: str | None) -> None:
    assert to_15(number) == old


# --- properties --------------------------------------------------------------------------

regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
births = st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31))
sequences = st.from_regex(r"[0-9]{3}", fullmatch=True)


@given(regions, births, sequences)
def test_any_valid_18_round_trips(region: str, birth: datetime.date, seq: str) -> None:
    number = make_id(region, birth.strftime("%Y%m%d"), seq)
    parsed = parse_id_number(number)
    assert parsed is not None
    assert parsed.valid and not parsed.was_15
    assert parsed.normalized == number
    assert parse_id_number(number.lower()) == IdNumber(number.lower(), number, True, False)
    assert implied_birth_date(number) == birth.isoformat()
    assert implied_gender(number) == ("M" if int(seq[2]) % 2 else "F")


@given(regions, births, sequences)
def test_check_character_agrees_with_stdnum(region: str, birth: datetime.date, seq: str) -> None:
    number = make_id(region, birth.strftime("%Y%m%d"), seq)
    assert ric.calc_check_digit(number) == number[17]


@given(regions, births.filter(lambda d: d.year < 2000), sequences)
def test_to_15_then_parse_gives_the_same_number(
    region: str, birth: datetime.date, seq: str
) -> None:
    number = make_id(region, birth.strftime("%Y%m%d"), seq)
    old = to_15(number)
    assert old is not None and len(old) == 15
    parsed = parse_id_number(old)
    assert parsed is not None
    assert parsed.normalized == number
    assert parsed.was_15 and parsed.valid


@given(regions, births, sequences, st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_always_caught(
    region: str, birth: datetime.date, seq: str, check: str
) -> None:
    body = region + birth.strftime("%Y%m%d") + seq
    parsed = parse_id_number(body + check)
    assert parsed is not None
    assert parsed.valid is (check == check_character(body))


@given(st.text(max_size=25))
def test_parse_never_fails_otherwise(text: str) -> None:
    try:
        parsed = parse_id_number(text)
    except InvalidIdNumber:
        return
    assert parsed is None or len(parsed.normalized) == 18
