"""Turn one standard row (column -> text) into a record document of the standard.

Problems that make a row unusable raise `RowError` with every reason found (and the
warnings found on the way); what the row keeps but the engineer should look at (a malformed
id number kept as written, a date that cannot be read and is kept unknown, a name that
still holds digits or brackets) is returned as warnings. Each is (standard column, what).
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from nodes.importing.cells import user_defined
from nodes.importing.columns import PERSON_ROLES
from schemas.id_numbers import InvalidIdNumber, parse_id_number
from schemas.names import normalize_name
from schemas.partial_dates import InvalidDate, parse_partial_date

ENUMS = {
    "access": ("open", "restricted"),
    "gender": ("M", "F", "U"),
    "registration_kind": ("marriage", "divorce", "remarriage"),
    "right_kind": ("ownership", "use", "contract"),
    "return_reason": ("recruitment", "enrollment", "illness", "replacement", "other"),
    "recruitment_kind": ("state_owned", "collective", "replacement", "transfer"),
}
# An archive that does not say whether a record is open keeps it closed.
DEFAULT_ACCESS = "restricted"


@lru_cache(maxsize=100_000)
def _iso_date(text: str | None, formats: tuple[str, ...]) -> str | None:
    # Catalogues repeat the same few thousand dates; an exception is not cached and
    # is raised again for every row that holds the bad date.
    parsed = parse_partial_date(text, formats)
    return parsed.iso() if parsed else None


Finding = tuple[str, str]  # (standard column, what)
# What a name should not hold once mapped: a split that left the id number or a bracket in
# it. (A '?' where a character was lost is reported as such: `cells.damaged_text`.)
_NOT_IN_A_NAME = re.compile(r"[0-9０-９()（）\[\]【】〔〕]")
_NAME_SUSPECT = re.compile(r"[0-9０-９()（）\[\]【】〔〕\ue000-\uf8ff]")  # and 造字


class RowError(Exception):
    def __init__(self, reasons: list[Finding], warnings: list[Finding]) -> None:
        super().__init__("; ".join(f"{column}: {what}" for column, what in reasons))
        self.reasons = reasons
        self.warnings = warnings


@dataclass
class RowReader:
    """Reads typed values out of one row, collecting every problem instead of stopping."""

    row: Mapping[str, str | None]
    date_formats: Sequence[str] = ()
    strict_dates: bool = False
    problems: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Strip every cell once; an empty one reads as unknown.
        self.row = {key: text for key, value in self.row.items()
                    if value and (text := value.strip())}
        self.text = self.row.get  # type: ignore[method-assign]  # the hot path: no frame

    def text(self, column: str) -> str | None:
        return self.row.get(column)

    def date(self, column: str) -> str | None:
        try:
            return _iso_date(self.text(column), tuple(self.date_formats))
        except InvalidDate as exc:
            if self.strict_dates:
                self.problems.append((column, str(exc)))
            else:
                self.warnings.append((column, f"{exc}: kept as unknown"))
            return None

    def integer(self, column: str) -> int | None:
        return self._number(column, int)

    def decimal(self, column: str) -> float | None:
        return self._number(column, float)

    def _number(self, column: str, kind: type) -> int | float | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            number = kind(unicodedata.normalize("NFKC", value))
        except ValueError:
            self.problems.append((column, f"{value!r} is not a number"))
            return None
        if number < 0:
            self.problems.append((column, f"{value!r} is negative"))
            return None
        return number

    def choice(self, column: str, enum: str, default: str | None = None) -> str | None:
        value = self.text(column)
        if value is None:
            return default
        if value not in ENUMS[enum]:
            self.problems.append((column, f"{value!r} is not one of {', '.join(ENUMS[enum])}"))
            return None
        return value

    def identity(self, role: str, name: str | None, id_text: str | None,
                 gender: str | None = None, birth_date: str | None = None,
                 native_place: str | None = None) -> dict | None:
        column = "holder_names" if role == "holder" else f"{role}_name"
        id_column = "holder_id_numbers" if role == "holder" else f"{role}_id_number"
        if name is None:
            if id_text is not None:
                self.problems.append((column, "missing while the id number is given"))
            return None
        party: dict = {
            "role": role,
            "name": normalize_name(name),
            "name_raw": name,
            "id_number": None,
            "id_number_raw": id_text,
            "id_number_valid": None,
            "gender": gender or "U",
            "birth_date": birth_date,
            "native_place": native_place,
        }
        if not party["name"]:
            self.problems.append((column, f"{name!r} has no letters of a name"))
        elif _NAME_SUSPECT.search(name):  # one look for the rare cases below
            if _NOT_IN_A_NAME.search(name):
                self.warnings.append((column, f"{name!r} still holds digits or brackets "
                                              "after mapping: is a split or pattern missing?"))
            if found := user_defined(name):
                self.warnings.append((column, found))
        if id_text is not None:
            try:
                parsed = parse_id_number(id_text)
            except InvalidIdNumber as exc:
                party["id_number_valid"] = False
                self.warnings.append((id_column, f"kept as written: {exc}"))
            else:
                if parsed is not None:
                    party["id_number"] = parsed.normalized
                    party["id_number_valid"] = parsed.valid
                    if not parsed.valid:
                        self.warnings.append((id_column,
                                              f"{id_text} has a bad check character"))
        return party

    def person(self, role: str) -> dict | None:
        return self.identity(
            role,
            self.text(f"{role}_name"),
            self.text(f"{role}_id_number"),
            self.choice(f"{role}_gender", "gender"),
            self.date(f"{role}_birth_date"),
            self.text(f"{role}_native_place"),
        )


def _holders(reader: RowReader) -> list[dict]:
    names = (reader.text("holder_names") or "").split(";")
    ids = (reader.text("holder_id_numbers") or "").split(";")
    if len(ids) > 1 and len(ids) != len(names):
        reader.problems.append(
            ("holder_id_numbers", f"{len(ids)} id numbers for {len(names)} holder names"))
        return []
    holders = []
    for index, name in enumerate(names):
        id_text = ids[index].strip() if index < len(ids) else ""
        party = reader.identity("holder", name.strip() or None, id_text or None)
        if party:
            holders.append(party)
    return holders


def _details(reader: RowReader, record_type: str) -> dict:
    t, d = reader.text, reader.date
    if record_type == "marriage":
        kind = reader.choice("registration_kind", "registration_kind")
        if kind is None and t("registration_kind") is None:
            reader.problems.append(("registration_kind",
                                    "required (marriage, divorce, remarriage)"))
        return {"registration_kind": kind, "certificate_no": t("certificate_no"),
                "registry_office": t("registry_office")}
    if record_type == "forestry_right":
        return {
            "certificate_no": t("certificate_no"),
            "location": {"township": t("township"), "village": t("village"),
                         "plot_no": t("plot_no")},
            "area_mu": reader.decimal("area_mu"),
            "forest_type": t("forest_type"),
            "species": t("species"),
            "right_kind": reader.choice("right_kind", "right_kind"),
            "term_start": d("term_start"),
            "term_end": d("term_end"),
            "boundaries": {side: t(f"boundary_{side}")
                           for side in ("east", "south", "west", "north")},
        }
    if record_type == "sent_down_youth":
        return {
            "origin_unit": t("origin_unit"),
            "dispatch_date": d("dispatch_date"),
            "destination": {part: t(f"destination_{part}")
                            for part in ("county", "commune", "brigade", "team")},
            "return_date": d("return_date"),
            "return_reason": reader.choice("return_reason", "return_reason"),
        }
    return {
        "employer": t("employer"),
        "recruitment_kind": reader.choice("recruitment_kind", "recruitment_kind"),
        "approval_doc_no": t("approval_doc_no"),
        "position": t("position"),
        "prior_status": t("prior_status"),
    }


def build_document(
    row: Mapping[str, str | None], record_type: str, date_formats: Sequence[str] = (),
    strict_dates: bool = False,
) -> tuple[dict, list[Finding]]:
    """The record document for `row` and the warnings it carries; `RowError` if unusable.

    The document holds everything but `record_id` and `archive`, which the node adds when
    it serves the record: a catalogue database does not depend on the archive's code.
    """
    reader = RowReader(row, date_formats, strict_dates)
    local_id = reader.text("local_id")
    if local_id is None:
        reader.problems.append(("local_id", "required"))
    if record_type == "forestry_right":
        parties = _holders(reader)
    else:
        parties = [p for role in PERSON_ROLES[record_type] if (p := reader.person(role))]
    if not parties:
        reader.problems.append(("parties", "the record names nobody"))
    document = {
        "local_id": local_id,
        "record_type": record_type,
        "reference": {
            "fonds_no": reader.text("fonds_no"),
            "catalog_no": reader.text("catalog_no"),
            "file_no": reader.text("file_no"),
            "item_no": reader.text("item_no"),
            "pages": reader.integer("pages"),
        },
        "event_date": reader.date("event_date"),
        "parties": parties,
        "details": _details(reader, record_type),
        "access": reader.choice("access", "access", DEFAULT_ACCESS),
        "digitized_pages": reader.integer("digitized_pages"),
    }
    if reader.problems:
        raise RowError(reader.problems, reader.warnings)
    return document, reader.warnings
