"""The verification code (核验码) printed under a certificate's QR code.

For a phone that cannot scan, and for a telephone call: the verification page takes the
certificate's number and this code. Eight characters from an alphabet without look-alikes
(no 0/O, 1/I/L, no U beside V), drawn at random when the certificate is issued and kept in
the registry: 30^8 ≈ 6.6 × 10^11 codes, against a page limited per address, so that a
number alone (which is sequential) finds nothing. Typed codes are read leniently: case,
spaces, dashes and full-width forms do not matter.
"""

import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-_.·]+")
_BRACKETS = str.maketrans({"[": "〔", "(": "〔", "（": "〔", "【": "〔", "［": "〔",
                           "]": "〕", ")": "〕", "）": "〕", "】": "〕", "］": "〕"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def printed(code: str) -> str:
    """As printed and read aloud: two groups of four (`7KQ4 M9PX`)."""
    return f"{code[:4]} {code[4:]}"


def typed_code(text: str) -> str | None:
    """A typed code in its stored form, or None when it cannot be one."""
    code = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    return code if len(code) == LENGTH and all(c in ALPHABET for c in code) else None


def typed_number(text: str) -> str:
    """A typed certificate number as the registry writes it: the compact form
    (`510500-2026-123`) or the printed one (`泸档证〔2026〕第000123号`, with any brackets)."""
    number = "".join(unicodedata.normalize("NFKC", text or "").split())
    if "号" in number or "第" in number:
        number = number.translate(_BRACKETS)
    return number
