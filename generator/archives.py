"""The ten archives of the context document, what each holds, and the places around them.

Everything here is static vocabulary: archive codes and names, the legacy layout each
archive's catalogue uses, the record types it holds, and place, unit and employer names
that the lives in `people.py` draw from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Archive:
    """One archive: its code (= region code), name, legacy layout and holdings."""

    code: str
    name: str
    short: str          # one-character abbreviation used in document numbers
    place: str          # the place name as written in records of the 1960s-90s
    layout: str         # luzhou_xlsx | yongchuan_csv | standard | county_csv
    holds: tuple[str, ...]
    prefix: str         # local_id prefix


_ALL = ("marriage", "forestry_right", "sent_down_youth", "employment")
_CITY = ("marriage", "sent_down_youth", "employment")
_DISTRICT = ("marriage", "employment")
_COUNTY = ("marriage", "forestry_right", "sent_down_youth")

ARCHIVES: tuple[Archive, ...] = (
    Archive("510500", "泸州市档案馆", "泸", "泸州市", "luzhou_xlsx", _CITY, "LZ"),
    Archive("500118", "重庆市永川区档案馆", "永", "永川县", "yongchuan_csv", _ALL, "YC"),
    Archive("500116", "重庆市江津区档案馆", "江", "江津县", "standard", _ALL, "JJ"),
    Archive("510502", "泸州市江阳区档案馆", "江阳", "泸州市江阳区", "luzhou_xlsx", _DISTRICT, "JY"),
    Archive("510503", "泸州市纳溪区档案馆", "纳", "泸州市纳溪区", "luzhou_xlsx", _ALL, "NX"),
    Archive("510504", "泸州市龙马潭区档案馆", "龙", "泸州市龙马潭区", "luzhou_xlsx", _DISTRICT,
            "LMT"),
    Archive("510521", "泸县档案馆", "泸县", "泸县", "county_csv", _COUNTY, "LX"),
    Archive("510522", "合江县档案馆", "合", "合江县", "county_csv", _COUNTY, "HJ"),
    Archive("510524", "叙永县档案馆", "叙", "叙永县", "county_csv", _COUNTY, "XY"),
    Archive("510525", "古蔺县档案馆", "蔺", "古蔺县", "county_csv", _COUNTY, "GL"),
)

BY_CODE: dict[str, Archive] = {a.code: a for a in ARCHIVES}

#: where people are born and live: region code -> native place as written
HOMES: dict[str, str] = {
    "510502": "四川省泸州市江阳区", "510503": "四川省泸州市纳溪区",
    "510504": "四川省泸州市龙马潭区", "510521": "四川省泸县", "510522": "四川省合江县",
    "510524": "四川省叙永县", "510525": "四川省古蔺县", "500118": "四川省永川县",
    "500116": "四川省江津县",
}
URBAN_HOMES: tuple[str, ...] = ("510502", "510502", "510504", "510503", "500118", "500116")
RURAL_HOMES: tuple[str, ...] = ("510521", "510522", "510524", "510525", "510503",
                                "500118", "500116")
#: a few people were born further away
FAR_HOMES: dict[str, str] = {
    "510104": "四川省成都市锦江区", "510302": "四川省自贡市自流井区",
    "520302": "贵州省遵义市红花岗区", "500103": "重庆市渝中区",
    "653101": "新疆喀什市", "513401": "四川省西昌市",
}

#: the archive that registers a home's marriages and holds its county records
HOME_ARCHIVE: dict[str, str] = {
    "510502": "510502", "510503": "510503", "510504": "510504", "510521": "510521",
    "510522": "510522", "510524": "510524", "510525": "510525", "500118": "500118",
    "500116": "500116",
}

#: sent-down destinations: archive -> (county as written then, communes)
COMMUNES: dict[str, tuple[str, tuple[str, ...]]] = {
    "500116": ("江津县", ("先锋公社", "白沙公社", "油溪公社", "石门公社", "吴滩公社",
                         "朱杨公社", "龙华公社", "李市公社", "慈云公社", "石蟆公社")),
    "500118": ("永川县", ("来苏公社", "临江公社", "朱沱公社", "松溉公社", "何埂公社",
                         "仙龙公社", "双石公社", "吉安公社", "五间公社")),
    "510521": ("泸县", ("福集公社", "玄滩公社", "嘉明公社", "云锦公社", "立石公社",
                       "方洞公社", "毗卢公社")),
    "510522": ("合江县", ("白沙公社", "先滩公社", "福宝公社", "九支公社", "尧坝公社",
                         "车辋公社", "榕山公社")),
    "510524": ("叙永县", ("江门公社", "马岭公社", "赤水公社", "水潦公社", "分水公社",
                         "两河公社")),
    "510525": ("古蔺县", ("太平公社", "二郎公社", "丹桂公社", "石宝公社", "箭竹公社",
                         "观文公社", "护家公社")),
    "510503": ("纳溪县", ("大渡口公社", "护国公社", "打古公社", "天仙公社", "丰乐公社",
                         "白节公社")),
}
BRIGADES: tuple[str, ...] = ("红星", "东风", "向阳", "红旗", "前进", "胜利", "光明", "友谊",
                             "建设", "新华", "团结", "跃进")
VILLAGES: tuple[str, ...] = ("龙井村", "石桥村", "红岩村", "桂花村", "黄桷村", "水井村",
                             "杨柳村", "青杠村", "高峰村", "观音村", "双河村", "田坝村",
                             "松林村", "竹林村", "大湾村", "新房村")

#: units youths were sent down from, by home region code
ORIGIN_UNITS: dict[str, tuple[str, ...]] = {
    "510502": ("泸州市第一中学", "泸州市第二中学", "泸州市江阳区大河街道", "泸州市江阳区南城街道",
               "泸州市第五中学", "泸州天然气化工厂子弟校"),
    "510504": ("泸州市第三中学", "泸州市龙马潭区小市街道", "长江起重机厂子弟校",
               "泸州市第十一中学"),
    "510503": ("纳溪县中学", "纳溪县安富镇居委会", "泸州化工厂子弟校"),
    "500118": ("永川县中学", "永川县城关镇居委会", "永川县萱花中学"),
    "500116": ("江津县中学", "江津县几江镇居委会", "江津县聚奎中学"),
}

#: employers by the archive that holds their recruitment files: (name, state-owned?)
EMPLOYERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "500118": (("永川国营红江机械厂", True), ("永川国营长江电工厂", True),
               ("永川国营四〇四厂", True), ("永川县缫丝厂", False), ("永川县陶瓷厂", False),
               ("永川国营双石煤矿", True), ("永川县供销社", False)),
    "510500": (("泸州天然气化工厂", True), ("泸州老窖酒厂", True), ("长江起重机厂", True),
               ("泸州化工厂", True), ("泸州市第一棉纺织厂", True), ("泸州市运输公司", True),
               ("泸州市百货公司", False)),
    "500116": (("江津国营晋江机械厂", True), ("江津国营望江机器厂", True),
               ("江津县造纸厂", False), ("江津县酒厂", False), ("江津县粮食局", True)),
    "510502": (("泸州市江阳区竹器合作社", False), ("泸州市江阳区五金厂", False),
               ("泸州市江阳区饮食服务公司", False)),
    "510503": (("纳溪县氮肥厂", True), ("纳溪县茶厂", False), ("泸州化工厂纳溪分厂", True)),
    "510504": (("泸州市龙马潭区砖瓦厂", False), ("泸州市龙马潭区农机厂", False),
               ("长江挖掘机厂", True)),
}
POSITIONS: tuple[str, ...] = ("车工", "钳工", "电工", "锻工", "铸工", "学徒工", "保管员",
                              "会计", "炊事员", "装卸工", "营业员", "技术员", "司机", "统计员")
FOREST_TYPES: tuple[str, ...] = ("用材林", "用材林", "经济林", "防护林", "薪炭林", "竹林",
                                 "特种用途林")
SPECIES: dict[str, tuple[str, ...]] = {
    "用材林": ("杉木", "马尾松", "柏木", "桉树"), "经济林": ("油桐", "柑橘", "龙眼", "荔枝", "茶"),
    "防护林": ("柏木", "马尾松", "桤木"), "薪炭林": ("青冈", "桤木"), "竹林": ("楠竹", "慈竹"),
    "特种用途林": ("银杏", "桢楠"),
}
BOUNDARIES: tuple[str, ...] = ("山脊", "小溪", "大路", "田坎", "水沟", "公路", "河沟", "岩脚",
                               "集体林", "荒坡")
