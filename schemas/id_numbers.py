"""Chinese resident ID numbers (GB 11643-1999) as they appear in archive catalogues.

Numbers are normalized to the 18-character form with an upper-case ``X``; old 15-digit
numbers (issued 1984-1999) are upgraded. A number with a wrong check character or an
impossible birth date is a real clerk's typo: it is kept and flagged ``valid=False``, never
dropped. Only text that cannot be an ID number at all raises ``InvalidIdNumber``.

Error messages never repeat the number itself: they end up in import reports and logs,
and an ID number is personal data.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from stdnum.cn import ric

from schemas.partial_dates import MAX_YEAR, MIN_YEAR

_BODY_17 = re.compile(r"[0-9]{17}")
_FORM_18 = re.compile(r"[0-9]{17}[0-9X]")
_FORM_15 = re.compile(r"[0-9]{15}")


class InvalidIdNumber(ValueError):
    """The text cannot be read as a resident ID number at all (wrong length or characters)."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    """One ID number as written (``raw``) and in its standard 18-character form."""

    raw: str
    normalized: str
    valid: bool
    was_15: bool

    @property
    def body(self) -> str:
        """The first 17 characters: region code, birth date and sequence number."""
        return self.normalized[:17]


def check_character(body17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (``0``-``9`` or ``X``) for a 17-digit body."""
    if not _BODY_17.fullmatch(body17):
        raise InvalidIdNumber("an ID number body must be exactly 17 digits")
    # calc_check_digit expects the full number and ignores its last character.
    return ric.calc_check_digit(body17 + "0")


def parse_id_number(raw: str | None) -> IdNumber | None:
    """Read an ID number as written in a catalogue; None when the cell is empty."""
    if raw is None:
        return None
    text = _clean(raw)
    if not text:
        return None
    if _FORM_18.fullmatch(text):
        valid = text[17] == check_character(text[:17]) and _has_real_birth_date(text)
        return IdNumber(raw=raw, normalized=text, valid=valid, was_15=False)
    if _FORM_15.fullmatch(text):
        body = text[:6] + "19" + text[6:]
        normalized = body + check_character(body)
        return IdNumber(
            raw=raw, normalized=normalized, valid=_has_real_birth_date(normalized), was_15=True
        )
    raise InvalidIdNumber(_explain_unreadable(text))


def implied_birth_date(normalized: str) -> str | None:
    """The birth date (ISO ``YYYY-MM-DD``) an 18-character number carries, if it is real."""
    if not _FORM_18.fullmatch(normalized):
        return None
    birth = _birth_date(normalized)
    return birth.isoformat() if birth else None


def implied_gender(normalized: str) -> str | None:
    """``M`` when the sequence number (17th digit) is odd, ``F`` when even."""
    if not _FORM_18.fullmatch(normalized):
        return None
    return "M" if int(normalized[16]) % 2 else "F"


def to_15(normalized: str) -> str | None:
    """The old 15-digit form of an 18-character number; None unless born in the 1900s."""
    if not _FORM_18.fullmatch(normalized) or normalized[6:8] != "19":
        return None
    return normalized[:6] + normalized[8:17]


def _clean(raw: str) -> str:
    """NFKC (full-width digits and ``Ｘ``), no whitespace of any kind, upper-case ``X``."""
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


def _birth_date(normalized: str) -> datetime.date | None:
    """The birth date the number carries, if it is a date the standard can hold at all (a
    year of 1593 is a typo, like a 30 February)."""
    try:
        born = datetime.date(int(normalized[6:10]), int(normalized[10:12]),
                             int(normalized[12:14]))
    except ValueError:
        return None
    return born if MIN_YEAR <= born.year <= MAX_YEAR else None


def _has_real_birth_date(normalized: str) -> bool:
    return _birth_date(normalized) is not None


def _explain_unreadable(text: str) -> str:
    if len(text) not in (15, 18):
        return (
            f"an ID number has 18 characters (or 15 digits for a number issued before 1999); "
            f"this one has {len(text)}"
        )
    if len(text) == 15:
        return "a 15-character ID number must be all digits"
    return "an 18-character ID number must be 17 digits followed by a digit or X"
