"""A certificate's content in one canonical byte form, its digest, and masked holders.

Canonical form (what `canonical_content` returns, so that any implementation can redo it):

1. The content is a JSON-like tree: mappings with string keys, lists (tuples count as lists),
   strings, integers, `true`/`false`/`null`, and `datetime.date` values, written as
   `YYYY-MM-DD` strings. Floats (no single textual form across languages), datetimes (write
   them as strings yourself) and anything else are refused with `TypeError`.
2. Every string, keys included, is put in Unicode NFC. Two keys of one mapping that become
   equal under NFC are refused (`ValueError`), as are lone surrogates. Note that NFC also maps
   the CJK compatibility ideographs U+F900-U+FAFF with a canonical decomposition to their
   unified ideograph: both spellings give one digest.
3. Serialized as JSON with keys sorted by code point, no whitespace at all (`,` and `:`
   separators), non-ASCII characters written as themselves (not `\\u` escapes), only `"`,
   `\\` and control characters below U+0020 escaped (`\\n`, `\\t`, ... or `\\u00xx` in
   lower-case hex), then encoded as UTF-8. This is Python's `json.dumps(sort_keys=True,
   separators=(",", ":"), ensure_ascii=False)`.

The content must not contain the verification URL or the token: the token carries the digest
of the content, so the content cannot carry the token.

`content_digest` is the SHA-256 of the canonical form in base64url without padding (43
characters); `short_digest` is its first 16 bytes (22 characters), what the token carries.
"""

import base64
import hashlib
import json
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

MASK = "*"
SHORT_DIGEST_BYTES = 16
# Name separators kept visible when masking: middle dots used in transcribed minority and
# foreign names (U+00B7, U+30FB, U+2027, U+2022, U+FF0E) and spaces.
NAME_SEPARATORS = frozenset("·・‧•． ")
# Code points that belong to the character before them: variation selectors (standard and
# ideographic) and combining marks, so that masking never splits a character.
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))


def _canonical_tree(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, datetime):
        raise TypeError("datetimes have no canonical form here: pass them as strings")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        tree: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"mapping keys must be strings, not {key!r}")
            normalized = unicodedata.normalize("NFC", key)
            if normalized in tree:
                raise ValueError(f"two keys are the same key under NFC: {key!r}")
            tree[normalized] = _canonical_tree(item)
        return tree
    if isinstance(value, list | tuple):
        return [_canonical_tree(item) for item in value]
    raise TypeError(f"{type(value).__name__} has no canonical form (value {value!r})")


def canonical_content(certificate: Mapping[str, Any]) -> bytes:
    """The certificate's content in canonical form (see the module docstring for the rules)."""
    if not isinstance(certificate, Mapping):
        raise TypeError("a certificate's content is a mapping")
    text = json.dumps(
        _canonical_tree(certificate),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"the content holds a lone surrogate: {exc}") from exc


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def content_digest(certificate: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical content, base64url without padding (43 characters)."""
    return _b64url(hashlib.sha256(canonical_content(certificate)).digest())


def short_digest(certificate: Mapping[str, Any]) -> str:
    """The first 16 bytes of the content's SHA-256, base64url (22 characters): claim `h`."""
    digest = hashlib.sha256(canonical_content(certificate)).digest()
    return _b64url(digest[:SHORT_DIGEST_BYTES])


def _characters(text: str) -> list[str]:
    """User-perceived characters, close enough for names: a base plus what attaches to it."""
    characters: list[str] = []
    for char in text:
        code = ord(char)
        attaches = unicodedata.combining(char) or any(code in r for r in _VARIATION_SELECTORS)
        if characters and attaches:
            characters[-1] += char
        else:
            characters.append(char)
    return characters


def mask_name(name: str) -> str:
    """Mask a name, keeping its length and separators so a clerk can compare it with the paper.

    2 characters keep the first (张华 -> 张*); 3 or more keep the first (the surname, or its first
    character when it is compound: 欧阳娜娜 -> 欧**娜) and the last (张德华 -> 张*华); middle dots
    and spaces stay (阿依古丽·买买提 -> 阿***·**提); one character becomes `*`. Characters
    outside the BMP (𠮷) count as one, variation selectors stay with their character.
    """
    characters = _characters(unicodedata.normalize("NFC", name.strip()))
    letters = [i for i, char in enumerate(characters) if char not in NAME_SEPARATORS]
    if not letters:
        raise ValueError("a name needs at least one character")
    if len(letters) >= 3:
        keep = {letters[0], letters[-1]}
    else:
        keep = set(letters[:1]) if len(letters) == 2 else set()
    return "".join(
        char if i in keep or char in NAME_SEPARATORS else MASK
        for i, char in enumerate(characters)
    )


def mask_id_number(id_number: str) -> str:
    """Keep the first 4 and last 4 characters of an id number (5105**********002X).

    Numbers of 8 characters or fewer (some passports, permits) keep only their last 2.
    A lower-case check character `x` is written `X`.
    """
    number = unicodedata.normalize("NFKC", id_number).strip().upper()
    if not number:
        raise ValueError("an empty id number cannot be masked")
    if len(number) > 8:
        return number[:4] + MASK * (len(number) - 8) + number[-4:]
    if len(number) > 2:
        return MASK * (len(number) - 2) + number[-2:]
    return MASK * len(number)


def mask_holder(name: str, id_number: str | None) -> str:
    """The holder as printed and shown when verifying: `张*华` or `张*华 5105**********002X`."""
    masked = mask_name(name)
    return f"{masked} {mask_id_number(id_number)}" if id_number else masked
