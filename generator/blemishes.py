"""How records get people wrong: the blemishes of real catalogues, each at a modest rate.

Every function that blemishes a value adds the blemish's kind to the record's `kinds`
(an insertion-ordered dict used as a set), so that `blemishes.csv` says exactly which
records carry which blemish. Kinds: traditional, homophone, middle_dot_variant, rare_char,
bad_check_char, id_15, no_id, odd_date.
"""

from __future__ import annotations

import random

import opencc

from generator.people import MIDDLE_DOT, RARE_CHARS, Person, wrong_check

# --- rates (configurable) -------------------------------------------------------------------
#: share of records made before TRADITIONAL_BEFORE written with traditional characters
TRADITIONAL_RATE: float = 0.12
TRADITIONAL_BEFORE: int = 1980
#: share of parties whose given name has one character replaced by a homophone
HOMOPHONE_RATE: float = 0.03
#: share of a minority person's records writing the middle dot another way
MIDDLE_DOT_VARIANT_RATE: float = 0.5
#: share of 18-digit ids on records with a wrong check character
BAD_CHECK_RATE: float = 0.03
#: share of records made since 1984 whose parties' ids were not written down
ID_OMITTED_RATE: float = 0.05
#: share of records with one date written in an odd form (1975.3, 一九七五年三月, 75-03-12)
ODD_DATE_RATE: float = 0.05
#: birth dates on records written to the month only, or to the year only
BIRTH_MONTH_ONLY_RATE: float = 0.10
BIRTH_YEAR_ONLY_RATE: float = 0.05

KINDS: tuple[str, ...] = ("traditional", "homophone", "middle_dot_variant", "rare_char",
                          "bad_check_char", "id_15", "no_id", "odd_date")

#: characters clerks confused, each with same-pinyin alternatives (德华/德化, 明/鸣, 英/瑛)
HOMOPHONES: dict[str, str] = {
    "华": "化", "明": "鸣", "英": "瑛", "德": "得", "国": "帼", "军": "君", "平": "萍",
    "芳": "方", "兰": "蓝", "红": "洪", "文": "雯", "珍": "真", "秀": "绣", "玉": "钰",
    "建": "健", "志": "智", "成": "诚", "福": "富", "贵": "桂", "伟": "玮", "丽": "莉",
    "琴": "勤", "云": "芸", "林": "琳", "清": "青", "忠": "中", "荣": "容", "春": "椿",
    "强": "蔷", "梅": "玫", "霞": "遐", "凤": "奉", "敏": "闽", "群": "裙", "东": "冬",
}
DOT_VARIANTS: tuple[str, ...] = ("•", "・", "．", ".")
_CN_DIGITS = "〇一二三四五六七八九"
_CN_MONTHS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

Kinds = dict[str, None]


class Blemisher:
    """Applies blemishes with its own random stream and a cache of traditional forms."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._s2t = opencc.OpenCC("s2t")
        self._trad: dict[str, str] = {}

    def traditional(self, text: str) -> str:
        t = self._trad.get(text)
        if t is None:
            t = self._trad[text] = self._s2t.convert(text)
        return t

    def old_script(self, year: int) -> bool:
        """Whether a record made in `year` is written in traditional characters."""
        return year < TRADITIONAL_BEFORE and self.rng.random() < TRADITIONAL_RATE

    def name(self, p: Person, old_script: bool, kinds: Kinds) -> str:
        """The person's name as the clerk wrote it."""
        name = p.name
        rng = self.rng
        if p.minority:
            if rng.random() < MIDDLE_DOT_VARIANT_RATE:
                name = name.replace(MIDDLE_DOT, rng.choice(DOT_VARIANTS))
                kinds["middle_dot_variant"] = None
        elif rng.random() < HOMOPHONE_RATE:
            spots = [i for i in range(1, len(name)) if name[i] in HOMOPHONES]
            if spots:
                i = rng.choice(spots)
                name = name[:i] + HOMOPHONES[name[i]] + name[i + 1:]
                kinds["homophone"] = None
        if p.rare and any(c in name for c in RARE_CHARS):
            kinds["rare_char"] = None
        if old_script:
            trad = self.traditional(name)
            if trad != name:
                kinds["traditional"] = None
                name = trad
        return name

    def id_mode(self, year: int, kinds: Kinds) -> int:
        """How a record of `year` writes ids: 0 none, 15 or 18 digits."""
        if year < 1984:
            kinds["no_id"] = None
            return 0
        if self.rng.random() < ID_OMITTED_RATE:
            kinds["no_id"] = None
            return 0
        if year < 2000:
            kinds["id_15"] = None
            return 15
        return 18

    def id_number(self, p: Person, mode: int, kinds: Kinds) -> str:
        if mode == 0:
            return ""
        if mode == 15:
            return p.id15
        if self.rng.random() < BAD_CHECK_RATE:
            kinds["bad_check_char"] = None
            return wrong_check(p.id18, self.rng)
        return p.id18

    def birth_date(self, p: Person) -> tuple[int, int, int]:
        """The birth date a record gives, sometimes to the month or year only."""
        r = self.rng.random()
        y, m, d = p.birth
        if r < BIRTH_YEAR_ONLY_RATE:
            return (y, 0, 0)
        if r < BIRTH_YEAR_ONLY_RATE + BIRTH_MONTH_ONLY_RATE:
            return (y, m, 0)
        return p.birth

    def odd_date(self, date: tuple[int, int, int]) -> str | None:
        """An odd written form of a date made before 2000, or None to keep it plain."""
        y, m, d = date
        if y >= 2000 or m == 0:
            return None
        forms = ["dot", "nian", "cn"] + (["yy"] if d else [])
        form = self.rng.choice(forms)
        if form == "dot":
            return f"{y}.{m}"
        if form == "nian":
            return f"{y}年{m}月"
        if form == "cn":
            return "".join(_CN_DIGITS[int(c)] for c in str(y)) + f"年{_CN_MONTHS[m]}月"
        return f"{y % 100:02d}-{m:02d}-{d:02d}"
