"""How a certificate names things in Chinese: its number, and each record's key details."""

RECORD_TYPE_WORDS = {"marriage": "婚姻", "forestry_right": "林权",
                     "sent_down_youth": "知青", "employment": "招工"}
REGISTRATION_WORDS = {"marriage": "结婚登记", "divorce": "离婚登记", "remarriage": "复婚登记"}
RIGHT_WORDS = {"ownership": "所有权", "use": "使用权", "contract": "承包经营权"}
RECRUITMENT_WORDS = {"state_owned": "全民所有制招工", "collective": "集体所有制招工",
                     "replacement": "顶替招工", "transfer": "调入"}
# Places from the largest to the smallest, as an address is written in Chinese. The parts
# arrive as JSON objects, whose key order says nothing (canonical JSON sorts the keys).
DESTINATION_PARTS = ("county", "commune", "brigade", "team")  # 县 → 公社 → 大队 → 生产队
LOCATION_PARTS = ("township", "village", "plot_no")  # 乡镇 → 村 → 地块号


def number_prefix(archive_name: str) -> str:
    """泸州市档案馆 -> 泸档证; 重庆市永川区档案馆 -> 永档证: the place's first own character."""
    place = archive_name.removeprefix("重庆市").removeprefix("四川省")
    return f"{place[:1]}档证"


def display_number(archive_name: str, year: int, sequence: int) -> str:
    return f"{number_prefix(archive_name)}〔{year}〕第{sequence:06d}号"


def _names(record: dict, role: str | None = None) -> str:
    return "、".join(p["name_raw"] for p in record["parties"]
                    if role is None or p["role"] == role)


def _place(parts: dict | None, order: tuple[str, ...]) -> str:
    """The parts of a place in `order`, the empty ones left out."""
    return "".join(str(parts[key]) for key in order if parts and parts.get(key))


def record_summary(record: dict) -> str:
    """A record's key details in one line, as the certificate lists them."""
    details, when = record["details"], record.get("event_date") or "日期不详"
    kind = record["record_type"]
    if kind == "marriage":
        return (f"{_names(record, 'husband')} 与 {_names(record, 'wife')} "
                f"{REGISTRATION_WORDS.get(details.get('registration_kind'), '婚姻登记')} {when}"
                + (f" 证号{details['certificate_no']}" if details.get("certificate_no") else ""))
    if kind == "forestry_right":
        place = _place(details.get("location"), LOCATION_PARTS)
        area = f" {details['area_mu']}亩" if details.get("area_mu") is not None else ""
        right = RIGHT_WORDS.get(details.get("right_kind"), "林权")
        return f"{_names(record)} {place}{area} {right} {when}"
    if kind == "sent_down_youth":
        destination = _place(details.get("destination"), DESTINATION_PARTS)
        origin = details.get("origin_unit") or ""
        dispatched = details.get("dispatch_date") or when
        return f"{_names(record)} {origin}下乡至{destination} {dispatched}"
    employer = details.get("employer") or ""
    how = RECRUITMENT_WORDS.get(details.get("recruitment_kind"), "招工")
    return f"{_names(record)} {employer} {how} {when}"


SCOPE_TYPE_WORDS = {"marriage": "婚姻登记档案", "forestry_right": "林权档案",
                    "sent_down_youth": "知青档案", "employment": "招工档案"}
ALL_RECORD_TYPES = tuple(RECORD_TYPE_WORDS)


def full_scope(scope: dict | None) -> bool:
    """Every record type of the standard, and no date window: a search of everything."""
    return bool(scope) and set(scope.get("record_types") or ()) >= set(ALL_RECORD_TYPES) \
        and not scope.get("event_date_from") and not scope.get("event_date_to")


def scope_text(scope: dict | None) -> str:
    """What was searched, as a certificate says it: 馆藏档案 for everything, else the record
    types and the date window, e.g. 馆藏婚姻登记档案（1970年至1985年）."""
    if not scope or full_scope(scope):
        return "馆藏档案"
    kinds = [SCOPE_TYPE_WORDS.get(kind, kind) for kind in ALL_RECORD_TYPES
             if kind in (scope.get("record_types") or ALL_RECORD_TYPES)]
    start, end = scope.get("event_date_from"), scope.get("event_date_to")
    if start and end:
        window = f"{_partial(start)}至{_partial(end)}"
    elif start:
        window = f"{_partial(start)}以来"
    elif end:
        window = f"{_partial(end)}以前"
    else:
        window = "不限年份"
    return f"馆藏{'、'.join(kinds)}（{window}）"


def _partial(iso: str) -> str:
    """1975 -> 1975年; 1975-03 -> 1975年3月; 1975-03-04 -> 1975年3月4日."""
    parts = [int(part) for part in iso.split("-")]
    return "".join(f"{value}{unit}" for value, unit in zip(parts, "年月日", strict=False))
