"""The standard CSV columns of each record type (standard.md, "The standard CSV import format")."""

COMMON = (
    "local_id", "fonds_no", "catalog_no", "file_no", "item_no", "pages",
    "event_date", "access", "digitized_pages",
)
PERSON_FIELDS = ("name", "id_number", "gender", "birth_date", "native_place")


def _person(role: str) -> tuple[str, ...]:
    return tuple(f"{role}_{field}" for field in PERSON_FIELDS)


TYPE_COLUMNS: dict[str, tuple[str, ...]] = {
    "marriage": ("registration_kind", "certificate_no", "registry_office")
    + _person("husband") + _person("wife"),
    "forestry_right": (
        "certificate_no", "township", "village", "plot_no", "area_mu", "forest_type",
        "species", "right_kind", "term_start", "term_end", "boundary_east", "boundary_south",
        "boundary_west", "boundary_north", "holder_names", "holder_id_numbers",
    ),
    "sent_down_youth": _person("youth") + (
        "origin_unit", "dispatch_date", "destination_county", "destination_commune",
        "destination_brigade", "destination_team", "return_date", "return_reason",
    ),
    "employment": _person("worker") + (
        "employer", "recruitment_kind", "approval_doc_no", "position", "prior_status",
    ),
}

PERSON_ROLES: dict[str, tuple[str, ...]] = {
    "marriage": ("husband", "wife"),
    "sent_down_youth": ("youth",),
    "employment": ("worker",),
}


def columns_for(record_type: str) -> tuple[str, ...]:
    return COMMON + TYPE_COLUMNS[record_type]
