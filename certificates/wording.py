"""How a certificate names things in Chinese: its number, and each record's key details."""

RECORD_TYPE_WORDS = {"marriage": "婚姻", "forestry_right": "林权",
                     "sent_down_youth": "知青", "employment": "招工"}
REGISTRATION_WORDS = {"marriage": "结婚登记", "divorce": "离婚登记", "remarriage": "复婚登记"}
RIGHT_WORDS = {"ownership": "所有权", "use": "使用权", "contract": "承包经营权"}
RECRUITMENT_WORDS = {"state_owned": "全民所有制招工", "collective": "集体所有制招工",
                     "replacement": "顶替招工", "transfer": "调入"}


def number_prefix(archive_name: str) -> str:
    """泸州市档案馆 -> 泸档证; 重庆市永川区档案馆 -> 永档证: the place's first own character."""
    place = archive_name.removeprefix("重庆市").removeprefix("四川省")
    return f"{place[:1]}档证"


def display_number(archive_name: str, year: int, sequence: int) -> str:
    return f"{number_prefix(archive_name)}〔{year}〕第{sequence:06d}号"


def _names(record: dict, role: str | None = None) -> str:
    return "、".join(p["name_raw"] for p in record["parties"]
                    if role is None or p["role"] == role)


def record_summary(record: dict) -> str:
    """A record's key details in one line, as the certificate lists them."""
    details, when = record["details"], record.get("event_date") or "日期不详"
    kind = record["record_type"]
    if kind == "marriage":
        return (f"{_names(record, 'husband')} 与 {_names(record, 'wife')} "
                f"{REGISTRATION_WORDS.get(details.get('registration_kind'), '婚姻登记')} {when}"
                + (f" 证号{details['certificate_no']}" if details.get("certificate_no") else ""))
    if kind == "forestry_right":
        place = "".join(v for v in (details.get("location") or {}).values() if v)
        area = f" {details['area_mu']}亩" if details.get("area_mu") is not None else ""
        right = RIGHT_WORDS.get(details.get("right_kind"), "林权")
        return f"{_names(record)} {place}{area} {right} {when}"
    if kind == "sent_down_youth":
        destination = "".join(v for v in (details.get("destination") or {}).values() if v)
        origin = details.get("origin_unit") or ""
        dispatched = details.get("dispatch_date") or when
        return f"{_names(record)} {origin}下乡至{destination} {dispatched}"
    employer = details.get("employer") or ""
    how = RECRUITMENT_WORDS.get(details.get("recruitment_kind"), "招工")
    return f"{_names(record)} {employer} {how} {when}"
