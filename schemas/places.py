"""Places: the core of a written place name, and whether it is where an id number was issued.

A record writes a native place (籍贯) the way its clerk did: ``四川省瀘州市納溪區``,
``江津县``, ``泸县``, a region code. ``place_core`` reduces any of them to the part that
names the place (``泸州纳溪``, ``江津``, ``泸县``, ``code:510521``).

An id number's first six digits are the region code (GB/T 2260) of the office that issued
it, as the code was at the time: a person from Yongchuan who got their card in 1990 holds a
``510229`` number (永川县, Sichuan), one from 2010 a ``500118`` (永川区, Chongqing).
``region_places`` reads every name a code has had, and its prefecture's, from the table
python-stdnum keeps of GB/T 2260 with each name's years (``stdnum/cn/loc.dat``, from
Wikipedia's lists of the codes), so that a place is compared by name and a code that
changed still agrees with the place it always named.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from stdnum import numdb

from schemas.names import normalize_name

PROVINCE_LEVEL_CITIES = frozenset({"北京", "天津", "上海", "重庆"})
#: provinces written without their suffix (新疆喀什市): dropped like 四川省
PROVINCES = frozenset({
    "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门"})
_PROVINCE_PREFIX = re.compile(
    "^(" + "|".join(sorted(PROVINCES, key=len, reverse=True)) + ")(?!省|自治区|市|县|区)")
_ADMIN_UNIT = re.compile(r"(.+?)(特别行政区|自治区|自治州|自治县|地区|省|市|县|区|旗|盟)")
_PROVINCE_SUFFIXES = frozenset({"省", "自治区", "特别行政区"})
_REGION_CODE = re.compile(r"[0-9]{6}")
_YEARS = re.compile(r"\[[0-9-]*\]")
#: names in the table that are not places: "the districts under the city", "the counties"
_NOT_PLACES = frozenset({"市辖区", "市区", "郊区", "城区", "县", "市", "省直辖县级行政单位",
                         "省直辖县级行政区划", "自治区直辖县级行政区划"})

# How a written place agrees with an id number's region
COUNTY, PREFECTURE, OTHER = "county", "prefecture", "other"


@lru_cache(maxsize=50_000)
def place_core(raw: object) -> str | None:
    """The core of a place: simplified, province dropped, unit suffixes stripped.

    ``四川省瀘州市納溪區`` -> ``泸州纳溪``; ``江津县`` and ``重庆市江津区`` -> ``江津``. A suffix
    is kept when stripping it would leave one character (``泸县`` stays ``泸县``). A region
    code stays a code (``code:510521``). None when nothing below the province is known.
    """
    if not raw:
        return None
    text = normalize_name(unicodedata.normalize("NFKC", str(raw)))
    if not text:
        return None
    if _REGION_CODE.fullmatch(text):
        return "code:" + text
    text = _PROVINCE_PREFIX.sub("", text)
    if not text:
        return None  # a province alone
    cores: list[str] = []
    position = 0
    while position < len(text):
        match = _ADMIN_UNIT.match(text, position)
        if match is None:
            cores.append(text[position:])
            break
        core, suffix = match.groups()
        position = match.end()
        if suffix in _PROVINCE_SUFFIXES or (suffix == "市" and core in PROVINCE_LEVEL_CITIES):
            continue
        cores.append(core if len(core) > 1 else core + suffix)
    if len(cores) == 1 and cores[0] in PROVINCE_LEVEL_CITIES:
        return None
    joined = "".join(cores)
    return joined or None


@dataclass(frozen=True)
class RegionPlaces:
    """Every core name a region code's county and prefecture have had."""

    code: str
    counties: frozenset[str]
    prefectures: frozenset[str]

    @property
    def known(self) -> bool:
        return bool(self.counties or self.prefectures)


@cache
def _table() -> numdb.NumDB:
    return numdb.get("cn/loc")


def _names(code: str, level: str) -> frozenset[str]:
    found: set[str] = set()
    for _, properties in _table().info(code)[1:]:
        for written in properties.get(level, "").split(","):
            name = _YEARS.sub("", written).strip()
            if name and name not in _NOT_PLACES:
                core = place_core(name)
                if core and not core.startswith("code:"):
                    found.add(core)
    return frozenset(found)


@lru_cache(maxsize=10_000)
def region_places(code: str | None) -> RegionPlaces:
    """The places a six-digit region code has named, over the years (empty if unknown)."""
    if not code or not _REGION_CODE.fullmatch(code):
        return RegionPlaces(code or "", frozenset(), frozenset())
    counties = _names(code, "county") if not code.endswith("00") else frozenset()
    prefecture = _names(code[:4] + "00", "county")
    return RegionPlaces(code, counties, prefecture - counties)


def place_agreement(region_code: str | None, written: object) -> str | None:
    """How a written place agrees with a region code: ``county`` (it names the code's
    county, under any of its names), ``prefecture`` (it names only the prefecture the county
    is in), ``other`` (it names somewhere else), or None (nothing to compare: no place
    written, or a code the table does not know)."""
    core = place_core(written)
    region = region_places(region_code)
    if core is None or not region.known:
        return None
    if core.startswith("code:"):
        other = region_places(core[5:])
        if not other.known:
            return None
        if region.counties & other.counties:
            return COUNTY
        if not other.counties and region.prefectures & other.prefectures:
            return PREFECTURE
        return OTHER
    starts = [county for county in region.counties] + [
        prefecture + county for prefecture in region.prefectures for county in region.counties]
    if any(core.startswith(start) for start in starts):
        return COUNTY
    if any(core == prefecture for prefecture in region.prefectures):
        return PREFECTURE
    return OTHER


def same_county(code_a: str | None, code_b: str | None) -> bool:
    """Whether two region codes name the same county (under any of their names)."""
    a, b = region_places(code_a), region_places(code_b)
    return bool(a.counties & b.counties)
