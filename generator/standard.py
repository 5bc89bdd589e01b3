"""The standard CSV import format (docs/standard.md), as the generator writes it.

Kept here rather than imported from `schemas/` so that the generator stays independent of
the node code; the tests check these lists against the standard's text.
"""

from __future__ import annotations

RECORD_TYPES: tuple[str, ...] = ("marriage", "forestry_right", "sent_down_youth", "employment")

COMMON_COLUMNS: tuple[str, ...] = (
    "local_id", "fonds_no", "catalog_no", "file_no", "item_no", "pages",
    "event_date", "access", "digitized_pages",
)

TYPE_COLUMNS: dict[str, tuple[str, ...]] = {
    "marriage": (
        "registration_kind", "certificate_no", "registry_office",
        "husband_name", "husband_id_number", "husband_gender", "husband_birth_date",
        "husband_native_place",
        "wife_name", "wife_id_number", "wife_gender", "wife_birth_date", "wife_native_place",
    ),
    "forestry_right": (
        "certificate_no", "township", "village", "plot_no", "area_mu", "forest_type",
        "species", "right_kind", "term_start", "term_end", "boundary_east", "boundary_south",
        "boundary_west", "boundary_north", "holder_names", "holder_id_numbers",
    ),
    "sent_down_youth": (
        "youth_name", "youth_id_number", "youth_gender", "youth_birth_date",
        "youth_native_place", "origin_unit", "dispatch_date", "destination_county",
        "destination_commune", "destination_brigade", "destination_team", "return_date",
        "return_reason",
    ),
    "employment": (
        "worker_name", "worker_id_number", "worker_gender", "worker_birth_date",
        "worker_native_place", "employer", "recruitment_kind", "approval_doc_no",
        "position", "prior_status",
    ),
}

#: every column of a type's standard CSV, in the order the generator writes them
COLUMNS: dict[str, tuple[str, ...]] = {t: COMMON_COLUMNS + TYPE_COLUMNS[t] for t in RECORD_TYPES}

#: columns that hold a (partial) date
DATE_COLUMNS: frozenset[str] = frozenset({
    "event_date", "husband_birth_date", "wife_birth_date", "youth_birth_date",
    "worker_birth_date", "dispatch_date", "return_date", "term_start", "term_end",
})

#: party roles per type, with the column prefix each uses ("holder" is a ';' list)
ROLES: dict[str, tuple[str, ...]] = {
    "marriage": ("husband", "wife"),
    "forestry_right": ("holder",),
    "sent_down_youth": ("youth",),
    "employment": ("worker",),
}

#: standard code values, per column, with the Chinese word legacy catalogues use
CHINESE_VALUES: dict[str, dict[str, str]] = {
    "gender": {"M": "男", "F": "女"},
    "registration_kind": {"marriage": "结婚", "divorce": "离婚", "remarriage": "复婚"},
    "access": {"open": "开放", "restricted": "控制"},
    "right_kind": {"ownership": "所有权", "use": "使用权", "contract": "承包经营权"},
    "return_reason": {
        "recruitment": "招工", "enrollment": "升学", "illness": "病退",
        "replacement": "顶替", "other": "其他",
    },
    "recruitment_kind": {
        "state_owned": "全民", "collective": "集体", "replacement": "顶替", "transfer": "调动",
    },
}


def value_kind(column: str) -> str | None:
    """The key of CHINESE_VALUES that a standard column's values belong to, if any."""
    if column.endswith("_gender"):
        return "gender"
    return column if column in CHINESE_VALUES else None
