"""True identities of synthetic people: names, gender, birth date, native place, ID number.

A `Person` is who someone really is; records may write them differently (see
`blemishes.py`). Everyone born here was alive after 1984 and so holds an 18-digit resident
ID number (GB 11643-1999); its 15-digit form is derived from it.
"""

from __future__ import annotations

import random

from stdnum.cn import ric

from generator.archives import FAR_HOMES, HOMES, RURAL_HOMES, URBAN_HOMES

SURNAMES: str = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何何高林罗罗郑梁谢宋唐唐许韩冯邓"
    "曹彭曾曾肖田董袁潘蒋蒋蔡余余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方"
    "白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE_CHARS: str = "国建明华德志军平强伟文成福贵忠林清海春勇刚兵东红光荣庆云先学永长祥富元中"
FEMALE_CHARS: str = "秀英兰芳珍玉华琴丽桂淑红群萍凤云琼碧素惠蓉莉梅敏霞燕明丽芬"
#: era names parents gave in the 1950s-60s
ERA_NAMES: dict[str, tuple[str, ...]] = {
    "M": ("建国", "国庆", "援朝", "卫东", "红卫", "德华", "志明", "建华", "国强", "跃进"),
    "F": ("秀英", "桂英", "玉兰", "淑芬", "红英", "建英", "明华", "德英", "卫红", "秀兰"),
}
RARE_CHARS: tuple[str, ...] = ("𠮷", "䶮", "堃", "喆", "珺")
MINORITY_GIVEN: tuple[str, ...] = ("阿依古丽", "古丽娜尔", "热依汗", "帕提古丽", "买买提",
                                   "艾力", "阿不都", "吐尔洪", "阿西", "吉克")
MINORITY_FAMILY: tuple[str, ...] = ("买买提", "艾山", "吐尔逊", "阿不都拉", "热合曼",
                                    "玉素甫", "木呷", "阿依")
MIDDLE_DOT: str = "·"

#: share of people with a minority name (written with a middle dot)
MINORITY_RATE: float = 0.03
#: share of people with a rare character in their given name
RARE_CHAR_RATE: float = 0.02


class Person:
    """A true identity. `birth` is (year, month, day); `home` a region code."""

    __slots__ = ("pid", "name", "gender", "birth", "home", "native_place", "id18",
                 "urban", "minority", "rare")

    def __init__(self, pid: str, name: str, gender: str, birth: tuple[int, int, int],
                 home: str, native_place: str, id18: str, urban: bool,
                 minority: bool, rare: bool) -> None:
        self.pid = pid
        self.name = name
        self.gender = gender
        self.birth = birth
        self.home = home
        self.native_place = native_place
        self.id18 = id18
        self.urban = urban
        self.minority = minority
        self.rare = rare

    @property
    def id15(self) -> str:
        """The 15-digit form: region, 2-digit year, month, day, sequence; no check char."""
        return self.id18[:6] + self.id18[8:17]

    @property
    def birth_iso(self) -> str:
        y, m, d = self.birth
        return f"{y:04d}-{m:02d}-{d:02d}"


_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def id_number(region: str, birth: tuple[int, int, int], seq: int) -> str:
    """The 18-character resident ID: region, birth date, sequence (odd = male), check."""
    y, m, d = birth
    body = f"{region}{y:04d}{m:02d}{d:02d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


def wrong_check(id18: str, rng: random.Random) -> str:
    """The same ID with a check character that does not hold (a clerk's typo)."""
    good = id18[-1]
    bad = rng.choice([c for c in "0123456789X" if c != good])
    return id18[:-1] + bad


class PeopleFactory:
    """Makes people one at a time, deterministically from `rng`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0
        self.made: list[Person] = []  # kept only to draw namesakes from

    def namesake_of(self, other: Person) -> Person:
        """Someone else with the same name, birth date and gender: in half of the cases from
        the same home (so that nothing a record says tells them apart but their id number
        and their lives), else from another home of the region."""
        rng = self.rng
        self.count += 1
        home = other.home if rng.random() < 0.5 else rng.choice(
            URBAN_HOMES if other.urban else RURAL_HOMES)
        taken = int(other.id18[14:17]) if home == other.home else -1
        seq = rng.randrange(1, 500) * 2 - (1 if other.gender == "M" else 0)
        while seq == taken:
            seq = rng.randrange(1, 500) * 2 - (1 if other.gender == "M" else 0)
        namesake = Person(f"P{self.count:07d}", other.name, other.gender, other.birth, home,
                          HOMES.get(home) or FAR_HOMES[home],
                          id_number(home, other.birth, seq), other.urban, other.minority,
                          other.rare)
        self.made.append(namesake)
        return namesake

    def _given_name(self, gender: str, birth_year: int) -> str:
        rng = self.rng
        if 1949 <= birth_year <= 1970 and rng.random() < 0.2:
            return rng.choice(ERA_NAMES[gender])
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
        if rng.random() < 0.25:
            return rng.choice(chars)
        return rng.choice(chars) + rng.choice(chars)

    def make(self, gender: str | None = None, urban: bool | None = None,
             birth_year: int | None = None, home: str | None = None) -> Person:
        """A new person; unspecified traits are drawn at random."""
        rng = self.rng
        self.count += 1
        pid = f"P{self.count:07d}"
        if gender is None:
            gender = "M" if rng.random() < 0.5 else "F"
        if urban is None:
            urban = rng.random() < 0.55
        if birth_year is None:  # the sent-down generation is over-represented
            birth_year = rng.randint(1945, 1962) if rng.random() < 0.5 else \
                rng.randint(1935, 1980)
        month = rng.randint(1, 12)
        day = rng.randint(1, _DAYS[month - 1])
        minority = rng.random() < MINORITY_RATE
        rare = not minority and rng.random() < RARE_CHAR_RATE
        if home is None:
            if minority and rng.random() < 0.5:
                home = "653101" if rng.random() < 0.7 else "513401"
            elif rng.random() < 0.03:
                home = rng.choice(tuple(FAR_HOMES))
            else:
                home = rng.choice(URBAN_HOMES if urban else RURAL_HOMES)
        native_place = HOMES.get(home) or FAR_HOMES[home]
        if minority:
            name = rng.choice(MINORITY_GIVEN) + MIDDLE_DOT + rng.choice(MINORITY_FAMILY)
        else:
            given = self._given_name(gender, birth_year)
            if rare:
                given = given[:-1] + rng.choice(RARE_CHARS) if len(given) > 1 else \
                    given + rng.choice(RARE_CHARS)
            name = rng.choice(SURNAMES) + given
        seq = rng.randrange(1, 500) * 2 - (1 if gender == "M" else 0)
        birth = (birth_year, month, day)
        person = Person(pid, name, gender, birth, home, native_place,
                        id_number(home, birth, seq), urban, minority, rare)
        self.made.append(person)
        return person
