"""The record locator: which archives may hold a subject, without saying who they hold.

A node publishes a Bloom filter of keyed hashes of the keys its search matches on; a hub
sends a search only to the archives whose filter may hold one of the subject's keys.

Keys (text before hashing), from the same reading of the subject as the node's search
(`schemas.subjects.read_subject`) and the same name keys (`schemas.names.pinyin_keys`):
- `i|<first 17 characters of the id number>`: the search's id match (the check character
  and 15/18-digit forms are outside the body);
- name keys in two families, `a` (a subject without an id number, who may be any party of
  the name) and `b` (a subject with one, who by name may only be a party without a valid
  id number: the search takes a party with another valid id for another person). A party
  is under `a|<pinyin>` and `a|<pinyin>|<birth year>` (or `a|<pinyin>|*` when its birth
  date is unknown or spans more than `MAX_YEARS`), and also under the `b` keys when it
  has no valid id number. A subject looks up `<family>|<pinyin>` when its birth date is
  unknown, else `<family>|<pinyin>|<year>` and `<family>|<pinyin>|*` (the search lets a
  party with no birth date match any).

Zero false negatives follows: every condition the search applies is implied by a key
being shared (gender, record types and date windows are not in the keys: the filter may
say yes where the search then finds nothing, never the reverse). A property test
(tests/nodes/test_locator.py) checks it against the search itself.

Keys are hashed with HMAC-SHA-256 under the federation's locator key, shared by nodes and
hubs and by nobody else: a filter alone does not let anyone test a name or an id number.
The filter is `rbloom`'s, sized for `FALSE_POSITIVE_RATE` per key looked up.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rbloom import Bloom

from schemas.names import normalize_name, pinyin_keys
from schemas.partial_dates import PartialDate
from schemas.subjects import Subject

FORMAT = "liancha-locator/1 rbloom hmac-sha256-128"
SET_FORMAT = "liancha-locator/1 rbloom-set hmac-sha256-128"
"""A hub's locator, published to its upper hub: the union of its archives' locators, as the
list of their filters (`filters`; filters of different sizes cannot be merged into one).
A subject may be held below the hub when any of them may hold one of its keys."""
FALSE_POSITIVE_RATE = 1e-4  # per key looked up: a subject has 3-7 keys; see docs/hub.md
# the most keys `party_keys` gives one party: its id, and in each of two name families the
# name alone and three birth keys (a day, the month and the year containing it)
MAX_PARTY_KEYS = 1 + 2 * (1 + 3)
KEY_BYTES = 32


class LocatorKeyError(ValueError):
    """The locator key file cannot be used."""


@dataclass(frozen=True)
class LocatorKey:
    secret: bytes

    @property
    def key_id(self) -> str:
        """Names the key without revealing it: node and hub must use the same one."""
        return hmac.new(self.secret, b"liancha-locator key id", hashlib.sha256).hexdigest()[:16]

    def hashed(self, keys: Iterable[str]) -> list[int]:
        """Each key's keyed hash, as the signed 128-bit integer the filter takes."""
        secret = self.secret
        return [int.from_bytes(hmac.digest(secret, key.encode("utf-8"), "sha256")[:16],
                               "big", signed=True) for key in keys]


def load_locator_key(path: str | Path) -> LocatorKey:
    """A locator key file: 64 hexadecimal digits (32 random bytes) on one line."""
    try:
        text = Path(path).read_text("ascii").strip()
        secret = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LocatorKeyError(f"{path}: not a locator key file (64 hexadecimal digits): "
                              f"{exc}") from exc
    if len(secret) < KEY_BYTES:
        raise LocatorKeyError(f"{path}: a locator key has {KEY_BYTES * 2} hexadecimal digits")
    return LocatorKey(secret)


def party_keys(name_pinyin: str | None, id_body: str | None, id_valid: bool | None,
               birth_start: str | None, birth_end: str | None) -> list[str]:
    """The keys of one party as a node indexes it (`parties` columns)."""
    keys = [f"i|{id_body}"] if id_body else []
    if name_pinyin is None:
        return keys
    births = _party_births(birth_start, birth_end)
    for family in ("a", "b") if not id_valid else ("a",):
        keys.append(f"{family}|{name_pinyin}")
        keys.extend(f"{family}|{name_pinyin}|{birth}" for birth in births)
    return keys


def subject_keys(subject: Subject) -> list[str]:
    """The keys under which a node that would find `subject` holds at least one."""
    keys = [f"i|{subject.id_number.body}"] if subject.id_number is not None else []
    if not subject.name:
        return keys
    family = "b" if subject.id_number is not None else "a"
    births = _subject_births(subject.birth) if subject.birth is not None else None
    for pinyin in pinyin_keys(normalize_name(subject.name)):
        if births:
            keys.extend(f"{family}|{pinyin}|{birth}" for birth in births)
        else:
            keys.append(f"{family}|{pinyin}")
    return keys


def _party_births(start: str | None, end: str | None) -> list[str]:
    """A party's birth date keys: at its own precision (`y1952`, `m1952-03`,
    `d1952-03-04`) and, for a finer date, the year and month that contain it (`cy1952`,
    `cm1952-03`); `*` when it is unknown or not one year, month or day."""
    precision = _precision(start, end)
    if precision is None:
        return ["*"]
    year, month = start[:4], start[:7]  # type: ignore[index]
    if precision == "y":
        return [f"y{year}"]
    if precision == "m":
        return [f"m{month}", f"cy{year}"]
    return [f"d{start}", f"cm{month}", f"cy{year}"]


def _subject_births(birth: PartialDate) -> list[str]:
    """The birth keys of every party whose birth date overlaps the subject's: coarser or
    equal dates that contain it, finer ones it contains, and unknown ones (`*`)."""
    year = f"{birth.year:04d}"
    if birth.month is None:
        return [f"y{year}", f"cy{year}", "*"]
    month = f"{year}-{birth.month:02d}"
    if birth.day is None:
        return [f"y{year}", f"m{month}", f"cm{month}", "*"]
    return [f"y{year}", f"m{month}", f"d{month}-{birth.day:02d}", "*"]


def _precision(start: str | None, end: str | None) -> str | None:
    """`y`, `m` or `d` when [start, end] is exactly one year, month or day, else None."""
    if not start or not end or len(start) != 10 or len(end) != 10:
        return None
    if start == end:
        return "d"
    if start[:4] != end[:4] or not start.endswith("-01"):
        return None
    if start[5:] == "01-01" and end[5:] == "12-31":
        return "y"
    last = calendar.monthrange(int(start[:4]), int(start[5:7]))[1]
    return "m" if start[:7] == end[:7] and end[8:] == f"{last:02d}" else None


def _identity(value: int) -> int:
    return value


def new_filter(expected_keys: int) -> Bloom:
    """A filter for `expected_keys`, sized for the next of the steps 2^(n/4) (at most 19 %
    more): filters of one step have one shape, which a hub asks all at once
    (federation/fanout/sliced.py). The false-positive rate only gets lower."""
    return Bloom(size_step(expected_keys), FALSE_POSITIVE_RATE, _identity)


def size_step(expected_keys: int) -> int:
    """The least 2^(n/4), rounded up, that is at least `expected_keys` (and at least 1)."""
    step = 0
    while math.ceil(2 ** (step / 4)) < expected_keys:  # ~100 steps for ten million keys
        step += 1
    return math.ceil(2 ** (step / 4))


def encode_filter(bloom: Bloom) -> str:
    return base64.b64encode(bloom.save_bytes()).decode("ascii")


def decode_filter(text: str) -> Bloom:
    """A filter from its published form; ValueError if it is not one."""
    try:
        return Bloom.load_bytes(base64.b64decode(text, validate=True), _identity)
    except Exception as exc:  # noqa: BLE001 - rbloom raises ValueError or its own
        raise ValueError(f"not a locator filter: {exc}") from exc


def may_hold(bloom: Bloom, hashed_keys: Iterable[int]) -> bool:
    return any(key in bloom for key in hashed_keys)
