"""Person names: one normalized form for matching and display, and a pinyin key.

Archives write the same name in traditional or simplified characters, with variant
characters (异体字), with spaces, and with any of a dozen look-alikes of the middle dot that
separates the parts of a minority name (阿依古丽·买买提). ``normalize_name`` makes all of
these one string; ``pinyin_key`` makes homophones (德华/德化, a frequent clerk's error) one
key. Rare characters (生僻字) outside the Basic Multilingual Plane (𠮷) are kept as they are.

Systems limited to GBK cannot write some rare characters at all and put a common one in
their place (𠮷 written 吉), so one person's name reaches an archive both ways.
``substitute_form`` writes every such character as its substitute, from a table kept as data
with its source (schemas/data/); matching compares names in that form.
"""

import csv
import itertools
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin

MIDDLE_DOT = "\u00b7"

# Look-alikes of the middle dot seen in catalogues, after NFKC. A hyphen is not one of them:
# it is left as written. Spaces are removed like all whitespace.
_DOT_LOOKALIKES = (
    "\u00b7"  # MIDDLE DOT
    "\u0387"  # GREEK ANO TELEIA
    "\u16eb"  # RUNIC SINGLE PUNCTUATION
    "\u2022"  # BULLET
    "\u2027"  # HYPHENATION POINT
    "\u2219"  # BULLET OPERATOR
    "\u22c5"  # DOT OPERATOR
    "\u2e31"  # WORD SEPARATOR MIDDLE DOT
    "\u30fb"  # KATAKANA MIDDLE DOT (also what NFKC makes of U+FF65)
    "\u119e"  # HANGUL JUNGSEONG ARAEA (what NFKC makes of U+318D HANGUL LETTER ARAEA)
    "\ua78f"  # LATIN LETTER SINOLOGICAL DOT
    "\uff0e"  # FULLWIDTH FULL STOP (NFKC makes it '.', listed for clarity)
    "."
)
_DOTS = re.compile("[" + re.escape(_DOT_LOOKALIKES) + "]+")

# Invisible characters that spreadsheets leave inside cells; str.split() does not see them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")

# Variant characters (异体字, from the 1955 first list of variant forms) that opencc's t2s
# leaves alone, mapped to the standard form. Only forms plausible in names are listed.
# Characters restored as standard for names in 2013 (喆, 堃, 邨, ...) and rare characters
# such as 䶮 are deliberately absent.
VARIANTS: dict[str, str] = {
    "淸": "清",
    "靑": "青",
    "髙": "高",
    "徳": "德",
    "栢": "柏",
    "栁": "柳",
    "冨": "富",
    "寳": "宝",
    "峩": "峨",
    "廸": "迪",
    "羙": "美",
    "緜": "绵",
    "歳": "岁",
}
_VARIANT_TABLE = str.maketrans(VARIANTS)

# Standard simplified characters that t2s would rewrite although a name means them as
# written: 乾 (qián, as in 乾隆) becomes 干 outside the phrases opencc knows. The name is
# converted around them (no stand-in character: a private-use one is what GB18030 makes of
# an old system's user-defined characters, which a name may really hold).
_KEEP_AS_WRITTEN = re.compile("(乾)")


@cache
def _t2s() -> opencc.OpenCC:
    """The traditional-to-simplified converter, built on first use (it loads dictionaries)."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=200_000)
def normalize_name(raw: str | None) -> str:
    """Simplified, NFKC, no whitespace, one canonical middle dot; ``""`` for no name."""
    if not raw:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", raw))
    text = "".join(text.split())
    if not text.isascii():
        converter = _t2s()
        if "乾" in text:
            text = "".join(part if index % 2 else converter.convert(part)
                           for index, part in enumerate(_KEEP_AS_WRITTEN.split(text)))
        else:
            text = converter.convert(text)
        text = text.translate(_VARIANT_TABLE)
    return _DOTS.sub(MIDDLE_DOT, text).strip(MIDDLE_DOT)


@lru_cache(maxsize=200_000)
def pinyin_key(name: str) -> str:
    """Toneless lower-case pinyin syllables of the normalized name, joined by spaces.

    The middle dot is dropped; ü is written ``v`` (吕 -> ``lv``); non-Han text is kept
    lower-cased, and characters pypinyin does not know pass through as themselves.
    Syllables are read character by character (a name is no phrase), which also lets
    an import of a million distinct names reuse a few thousand cached readings.
    """
    syllables: list[str] = []
    for part in normalize_name(name).split(MIDDLE_DOT):
        syllables.extend(_syllable(token) for token in _TOKENS.findall(part))
    return " ".join(s.lower() for s in syllables if s)


_TOKENS = re.compile(r"[A-Za-z0-9]+|.", re.DOTALL)


@lru_cache(maxsize=50_000)
def _syllable(token: str) -> str:
    if token.isascii():
        return token
    return " ".join(lazy_pinyin(token, style=Style.NORMAL))


def name_variants_equal(a: str | None, b: str | None) -> bool:
    """Whether two written names are the same name once normalized."""
    return normalize_name(a) == normalize_name(b)


# Rare characters GBK cannot encode -> the common character GBK systems write for them.
SUBSTITUTES_FILE = "rare_character_substitutes.csv"

# Each writing with and without the rare characters is looked up on its own: past this many
# (a name with more than eight characters that stand for rare ones; none is known) the rest
# are not.
MAX_EQUIVALENTS = 256


def load_substitutes(source: Path | Traversable | None = None) -> dict[str, str]:
    """``{rare: common}`` from a ``rare,common,note`` CSV (by default the table shipped in
    schemas/data/). A malformed row is an error naming its line: the table is small, and a
    wrong entry would silently join different names."""
    source = source or resources.files("schemas").joinpath("data", SUBSTITUTES_FILE)
    table: dict[str, str] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            rare, common = (row.get("rare") or "").strip(), (row.get("common") or "").strip()
            if len(rare) != 1 or len(common) != 1 or rare == common or rare in table:
                raise ValueError(f"{source.name} line {reader.line_num}: expected one rare "
                                 f"character (listed once) and another common one, got "
                                 f"{rare!r}, {common!r}")
            table[rare] = common
    return table


SUBSTITUTES: dict[str, str] = load_substitutes()
_SUBSTITUTE_TABLE = str.maketrans(SUBSTITUTES)
_RARE_FOR: dict[str, tuple[str, ...]] = {
    common: tuple(sorted(r for r, c in SUBSTITUTES.items() if c == common))
    for common in set(SUBSTITUTES.values())
}


@lru_cache(maxsize=200_000)
def substitute_form(raw: str | None) -> str:
    """The normalized name with every rare character written as its common substitute
    (王𠮷 -> 王吉): the same for a name however a system could write it."""
    return normalize_name(raw).translate(_SUBSTITUTE_TABLE)


def substitute_equivalents(raw: str | None) -> list[str]:
    """Every normalized name whose substitute form is this name's, the substitute form
    first (王𠮷 -> 王吉, 王𠮷). A node stores each name's own pinyin key, and pypinyin cannot
    read 𠮷: searching the keys of these writings finds the name written either way without
    re-indexing when the table grows. At most ``MAX_EQUIVALENTS``."""
    choices = [(c, *_RARE_FOR.get(c, ())) for c in substitute_form(raw)]
    return ["".join(chars) for chars in itertools.islice(itertools.product(*choices),
                                                         MAX_EQUIVALENTS)]


def pinyin_keys(name: str) -> list[str]:
    """The pinyin keys a party of this name may be stored under: the name's own, and those of
    the name written with the rare characters its characters stand for (王吉 -> ``wang ji``,
    ``wang 𠮷``: pypinyin cannot read 𠮷). A party's stored key is its own name's, so the
    table of substitutes can grow without re-indexing a catalogue."""
    return sorted({pinyin_key(name), *map(pinyin_key, substitute_equivalents(name))})
