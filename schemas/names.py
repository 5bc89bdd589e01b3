"""Person names: one normalized form for matching and display, and a pinyin key.

Archives write the same name in traditional or simplified characters, with variant
characters (异体字), with spaces, and with any of a dozen look-alikes of the middle dot that
separates the parts of a minority name (阿依古丽·买买提). ``normalize_name`` makes all of
these one string; ``pinyin_key`` makes homophones (德华/德化, a frequent clerk's error) one
key. Rare characters (生僻字) outside the Basic Multilingual Plane (𠮷) are kept as they are.
"""

import re
import unicodedata
from functools import cache, lru_cache

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
# written: 乾 (qián, as in 乾隆) becomes 干 outside the phrases opencc knows.
_KEEP_AS_WRITTEN = {"乾": "\ue000"}
_PROTECT = str.maketrans(_KEEP_AS_WRITTEN)
_RESTORE = str.maketrans({v: k for k, v in _KEEP_AS_WRITTEN.items()})


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
        text = _t2s().convert(text.translate(_PROTECT)).translate(_RESTORE)
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
