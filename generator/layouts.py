"""The legacy catalogue layouts and their import mappings (docs/import-mapping.md).

Each legacy layout is defined by the mapping a node would import it with; the writers in
`writers.py` derive the legacy header and rows from that same mapping, so the two cannot
disagree. Layouts:

- `luzhou_xlsx`: Luzhou and its districts. XLSX, one sheet per type, a title row above
  Chinese headers (header_row 2), Chinese values (男/女, 结婚/离婚/复婚, 开放/控制).
- `yongchuan_csv`: Yongchuan. GB18030 CSV, ';' delimiter, pinyin-abbreviation headers
  (BH, QZH, MLH, DH, XM, SFZH, XB ...), both spouses in one column "张三、李四" (split),
  full dates as 1975/03/12 (date_formats).
- `county_csv`: the four county archives' management-system export. UTF-8 with BOM,
  gender codes 1/2 (GB/T 2261.1), 是否开放 是/否, forestry holders in two columns 户主 and
  共有人 (a mapping list), full dates as 19750312.
- `standard`: the standard CSV itself (Jiangjin; every archive under --layout standard).
"""

from __future__ import annotations

from typing import Any

from generator.standard import CHINESE_VALUES, value_kind

Mapping = dict[str, Any]

#: (standard column, legacy header) per layout and type; a header may serve two columns
_LUZHOU: dict[str, list[tuple[str, str]]] = {
    "common": [("local_id", "编号"), ("fonds_no", "全宗号"), ("catalog_no", "目录号"),
               ("file_no", "档号"), ("item_no", "件号"), ("pages", "页数")],
    "tail": [("access", "开放状态"), ("digitized_pages", "数字化页数")],
    "marriage": [("event_date", "登记日期"), ("registration_kind", "登记类别"),
                 ("certificate_no", "结婚证字号"), ("registry_office", "登记机关"),
                 ("husband_name", "男方姓名"), ("husband_id_number", "男方身份证号"),
                 ("husband_gender", "男方性别"), ("husband_birth_date", "男方出生日期"),
                 ("husband_native_place", "男方籍贯"), ("wife_name", "女方姓名"),
                 ("wife_id_number", "女方身份证号"), ("wife_gender", "女方性别"),
                 ("wife_birth_date", "女方出生日期"), ("wife_native_place", "女方籍贯")],
    "forestry_right": [("event_date", "发证日期"), ("certificate_no", "林权证号"),
                       ("township", "乡镇"), ("village", "村"), ("plot_no", "小班号"),
                       ("area_mu", "面积（亩）"), ("forest_type", "林种"), ("species", "树种"),
                       ("right_kind", "权属类别"), ("term_start", "起始日期"),
                       ("term_end", "终止日期"), ("boundary_east", "东至"),
                       ("boundary_south", "南至"), ("boundary_west", "西至"),
                       ("boundary_north", "北至"), ("holder_names", "权利人"),
                       ("holder_id_numbers", "权利人身份证号")],
    "sent_down_youth": [("youth_name", "姓名"), ("youth_id_number", "身份证号"),
                        ("youth_gender", "性别"), ("youth_birth_date", "出生日期"),
                        ("youth_native_place", "籍贯"), ("origin_unit", "原单位"),
                        ("event_date", "下乡时间"), ("dispatch_date", "下乡时间"),
                        ("destination_county", "插队县"), ("destination_commune", "公社"),
                        ("destination_brigade", "大队"), ("destination_team", "生产队"),
                        ("return_date", "返城时间"), ("return_reason", "返城原因")],
    "employment": [("worker_name", "姓名"), ("worker_id_number", "身份证号"),
                   ("worker_gender", "性别"), ("worker_birth_date", "出生日期"),
                   ("worker_native_place", "籍贯"), ("employer", "招工单位"),
                   ("recruitment_kind", "用工性质"), ("approval_doc_no", "批准文号"),
                   ("position", "工种"), ("prior_status", "招工前身份"),
                   ("event_date", "录用时间")],
}

_YONGCHUAN: dict[str, list[tuple[str, str]]] = {
    "common": [("local_id", "BH"), ("fonds_no", "QZH"), ("catalog_no", "MLH"),
               ("file_no", "DH"), ("item_no", "JH"), ("pages", "YS")],
    "tail": [("access", "KFZT"), ("digitized_pages", "SZHYS")],
    "marriage": [("event_date", "DJRQ"), ("registration_kind", "DJLB"),
                 ("certificate_no", "ZH"), ("registry_office", "DJJG"),
                 ("husband_id_number", "NFSFZH"), ("husband_gender", "NFXB"),
                 ("husband_birth_date", "NFCSRQ"), ("husband_native_place", "NFJG"),
                 ("wife_id_number", "NVSFZH"), ("wife_gender", "NVXB"),
                 ("wife_birth_date", "NVCSRQ"), ("wife_native_place", "NVJG")],
    "forestry_right": [("event_date", "FZRQ"), ("certificate_no", "LQZH"),
                       ("township", "XZ"), ("village", "CUN"), ("plot_no", "XBH"),
                       ("area_mu", "MJ"), ("forest_type", "LZ"), ("species", "SZ"),
                       ("right_kind", "QSLB"), ("term_start", "QSRQ"), ("term_end", "ZZRQ"),
                       ("boundary_east", "DZ"), ("boundary_south", "NZ"),
                       ("boundary_west", "XIZ"), ("boundary_north", "BZ"),
                       ("holder_names", "QLR"), ("holder_id_numbers", "QLRSFZH")],
    "sent_down_youth": [("youth_name", "XM"), ("youth_id_number", "SFZH"),
                        ("youth_gender", "XB"), ("youth_birth_date", "CSRQ"),
                        ("youth_native_place", "JG"), ("origin_unit", "YDW"),
                        ("event_date", "XXRQ"), ("dispatch_date", "XXRQ"),
                        ("destination_county", "CDX"), ("destination_commune", "GS"),
                        ("destination_brigade", "DD"), ("destination_team", "SCD"),
                        ("return_date", "FCRQ"), ("return_reason", "FCYY")],
    "employment": [("worker_name", "XM"), ("worker_id_number", "SFZH"),
                   ("worker_gender", "XB"), ("worker_birth_date", "CSRQ"),
                   ("worker_native_place", "JG"), ("employer", "ZGDW"),
                   ("recruitment_kind", "YGXZ"), ("approval_doc_no", "PZWH"),
                   ("position", "GZ"), ("prior_status", "ZGQSF"), ("event_date", "LYRQ")],
}

_COUNTY: dict[str, list[tuple[str, str]]] = {
    "common": [("local_id", "记录号"), ("fonds_no", "全宗号"), ("catalog_no", "年度"),
               ("file_no", "案卷号"), ("item_no", "件号"), ("pages", "页数")],
    "tail": [("access", "是否开放"), ("digitized_pages", "扫描页数")],
    "marriage": [("event_date", "登记时间"), ("registration_kind", "登记类型"),
                 ("certificate_no", "证书编号"), ("registry_office", "登记机关"),
                 ("husband_name", "男方"), ("husband_id_number", "男方公民身份号码"),
                 ("husband_gender", "男方性别代码"), ("husband_birth_date", "男方出生日期"),
                 ("husband_native_place", "男方籍贯"), ("wife_name", "女方"),
                 ("wife_id_number", "女方公民身份号码"), ("wife_gender", "女方性别代码"),
                 ("wife_birth_date", "女方出生日期"), ("wife_native_place", "女方籍贯")],
    "forestry_right": [("event_date", "发证时间"), ("certificate_no", "林权证编号"),
                       ("township", "乡（镇）"), ("village", "村"), ("plot_no", "小班号"),
                       ("area_mu", "面积"), ("forest_type", "林种"), ("species", "主要树种"),
                       ("right_kind", "权属性质"), ("term_start", "林地使用期起"),
                       ("term_end", "林地使用期止"), ("boundary_east", "四至东"),
                       ("boundary_south", "四至南"), ("boundary_west", "四至西"),
                       ("boundary_north", "四至北")],
    "sent_down_youth": [("youth_name", "姓名"), ("youth_id_number", "公民身份号码"),
                        ("youth_gender", "性别代码"), ("youth_birth_date", "出生日期"),
                        ("youth_native_place", "籍贯"), ("origin_unit", "下乡前单位"),
                        ("event_date", "下乡时间"), ("dispatch_date", "下乡时间"),
                        ("destination_county", "安置县"), ("destination_commune", "安置公社"),
                        ("destination_brigade", "安置大队"), ("destination_team", "安置生产队"),
                        ("return_date", "回城时间"), ("return_reason", "回城原因")],
    "employment": [("worker_name", "姓名"), ("worker_id_number", "公民身份号码"),
                   ("worker_gender", "性别代码"), ("worker_birth_date", "出生日期"),
                   ("worker_native_place", "籍贯"), ("employer", "招工单位"),
                   ("recruitment_kind", "用工形式"), ("approval_doc_no", "批准文号"),
                   ("position", "工种"), ("prior_status", "原身份"), ("event_date", "招工时间")],
}

#: the county layout's own words, where they differ from CHINESE_VALUES
_COUNTY_VALUES: dict[str, dict[str, str]] = {
    "gender": {"M": "1", "F": "2"},
    "access": {"open": "是", "restricted": "否"},
    "right_kind": {"ownership": "林木所有权", "use": "林地使用权", "contract": "承包经营权"},
    "return_reason": {"recruitment": "招工", "enrollment": "招生", "illness": "病退",
                      "replacement": "顶替", "other": "其他"},
}

SHEETS: dict[str, str] = {"marriage": "婚姻登记", "forestry_right": "林权登记",
                          "sent_down_youth": "知青档案", "employment": "招工档案"}
TITLES: dict[str, str] = {"marriage": "婚姻登记档案目录", "forestry_right": "林权档案目录",
                          "sent_down_youth": "知识青年上山下乡档案目录",
                          "employment": "招工录用档案目录"}
#: full-date style of each layout (partial dates are written in ISO form everywhere)
FULL_DATE: dict[str, str] = {"luzhou_xlsx": "{y:04d}-{m:02d}-{d:02d}",
                             "yongchuan_csv": "{y:04d}/{m:02d}/{d:02d}",
                             "county_csv": "{y:04d}{m:02d}{d:02d}",
                             "standard": "{y:04d}-{m:02d}-{d:02d}"}
#: legacy columns that no standard column reads
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {"luzhou_xlsx": ("备注",), "yongchuan_csv": (),
                                             "county_csv": ("录入人",)}


def _values(pairs: list[tuple[str, str]], words: dict[str, dict[str, str]]) -> Mapping:
    values: Mapping = {}
    for std, _ in pairs:
        kind = value_kind(std)
        if kind is not None and std not in values:
            values[std] = {legacy: code for code, legacy in words[kind].items()}
    return values


def mapping(layout: str, record_type: str, sheet: str | None = None) -> Mapping:
    """The import mapping of one catalogue in a legacy layout."""
    table = {"luzhou_xlsx": _LUZHOU, "yongchuan_csv": _YONGCHUAN, "county_csv": _COUNTY}[layout]
    pairs = table["common"] + table[record_type] + table["tail"]
    columns: Mapping = {std: legacy for std, legacy in pairs}
    m: Mapping = {"record_type": record_type}
    words = dict(CHINESE_VALUES)
    if layout == "luzhou_xlsx":
        m.update(format="xlsx", sheet=sheet or SHEETS[record_type], header_row=2)
    elif layout == "yongchuan_csv":
        m.update(format="csv", encoding="gb18030", delimiter=";", header_row=1)
    else:
        m.update(format="csv", encoding="utf-8", delimiter=",", header_row=1)
        words.update(_COUNTY_VALUES)
        words["registration_kind"] = {"marriage": "结婚登记", "divorce": "离婚登记",
                                      "remarriage": "恢复婚姻登记"}
        if record_type == "forestry_right":
            columns["holder_names"] = ["户主", "共有人"]
            columns["holder_id_numbers"] = ["户主身份证号", "共有人身份证号"]
    m["columns"] = columns
    if layout == "yongchuan_csv" and record_type == "marriage":
        m["split"] = [{"source": "SFXM", "separator": "、", "into": ["husband_name", "wife_name"]}]
    m["values"] = _values(pairs, words)
    if layout == "yongchuan_csv":
        m["date_formats"] = ["%Y/%m/%d"]
    elif layout == "county_csv":
        m["date_formats"] = ["%Y%m%d"]
    return m
