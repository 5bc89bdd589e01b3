"""What a catalogue's cell holds, as text, and what cannot be trusted in it.

A spreadsheet keeps a number to 15 significant digits: an 18-digit id number typed into a
number cell comes back as `5.10522197009091e+17`, its last digits gone, and a CSV saved
from it writes `5.10522E+17`. Such a value is never an id number. A 15-digit (first
generation) id number fits and converts exactly.

A `?` between Chinese characters, or U+FFFD, is where a character was lost by a program
that could not write it (GBK has no 𠮷 or 䶮): the text is kept, and the report says so;
so is a user-defined character (造字: GB18030 reads an old system's own characters into the
private use area, where no other system has them).
"""

import re
from decimal import Decimal

SPREADSHEET_DIGITS = 15
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_SCIENTIFIC = re.compile(r"^\s*\d(?:\.\d+)?[eE]\+?\d+\s*$")
_HAN = "\u3400-\u9fff\U00020000-\U0003134f"
_LOST_CHARACTER = re.compile(f"[{_HAN}][?？]+[{_HAN}]")


def cell_text(value: object) -> str | None:
    """A cell as text, None when empty. A whole number kept as a float reads without
    `.0`; a date cell reads as its ISO date."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**SPREADSHEET_DIGITS:
        value = int(value)  # beyond 15 digits int() would invent the digits the cell lost
    if hasattr(value, "isoformat"):
        value = value.isoformat()[:10]  # type: ignore[union-attr]
    text = str(value).strip()
    return text or None


def id_cell(value: object) -> tuple[str | None, str | None]:
    """An id number cell as text, or None and why it cannot be one."""
    if isinstance(value, bool) or value is None:
        return cell_text(value), None
    if isinstance(value, int | float):
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        digits = len(str(abs(int(number)))) if number == number.to_integral_value() else 0
        if 0 < digits <= SPREADSHEET_DIGITS:
            return str(int(number)), None
        return None, (f"the cell was a number ({value!r}), not text: a spreadsheet keeps "
                      f"{SPREADSHEET_DIGITS} digits, so an id number in it has lost digits; "
                      "kept without this id number (format the column as text and type it "
                      "again)")
    text = cell_text(value)
    if text is not None and _SCIENTIFIC.match(text):
        return None, (f"{text!r} is a number a spreadsheet shortened (it keeps "
                      f"{SPREADSHEET_DIGITS} digits): kept without this id number")
    return text, None


def damaged_text(text: str, name: bool = False) -> str | None:
    """Why `text` holds a character that was lost before it reached us, if it does. In a
    name any `?` is one; elsewhere only one between Chinese characters (`重复登记?` asks a
    question)."""
    if "\ufffd" in text:
        return (f"{text!r} holds U+FFFD where a character was lost by an earlier conversion; "
                "export the catalogue again as UTF-8 (or GB18030) from the system that "
                "holds the original")
    if ("?" in text or "？" in text) and (name or _LOST_CHARACTER.search(text)):
        return (f"{text!r} holds '?' where a character was: the catalogue was saved in an "
                "encoding that cannot write it (GBK has no 𠮷 or 䶮); export it as UTF-8 or "
                "GB18030")
    return None


def user_defined(text: str) -> str | None:
    """Why `text` holds a character only the system that made it can show, if it does."""
    found = _PRIVATE_USE.search(text)
    if found is None:
        return None
    return (f"{text!r} holds a user-defined character (U+{ord(found.group()):04X}, 造字 of the "
            "old system) that nothing else can show or search: write it as its Unicode "
            "character or its usual substitute")
