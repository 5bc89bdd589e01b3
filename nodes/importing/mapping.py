"""Mappings: how a legacy catalogue's rows become standard rows (docs/import-mapping.md).

`Mapping_.apply` turns one legacy row into a standard row and says, as notes, everything it
did to an identity that the engineer should see: an id number that a spreadsheet had kept
as a number and that lost digits, a split that gave more parts than it has columns, a
pattern that did not match, text where a character was lost. Loading and checking a
mapping file is `nodes/importing/mapping_file.py`.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from nodes.importing.cells import cell_text, damaged_text, id_cell


class MappingError(Exception):
    """The mapping (or the file it is applied to) does not fit; nothing is imported."""


NAME_COLUMNS = ("_name", "holder_names")
ID_COLUMNS = ("husband_id_number", "wife_id_number", "youth_id_number", "worker_id_number",
              "holder_id_numbers")
_SUSPECT = re.compile("[?？\ufffd]")  # a character lost before the file reached us
Note = tuple[str, str]  # (where: a standard column or a legacy header, what)

# Brackets and spaces around a split part: `陈建国(5105...)` split on `(` leaves `5105...)`.
_PART_EDGES = " \t\u3000()（）[]【】〔〕｛｝{}<>《》〈〉「」『』"
# An ASCII punctuation mark and its full-width form (U+FF01..U+FF5E) are the same separator.
_FULL_WIDTH_OFFSET = 0xFEE0


def separator_pattern(separator: str) -> re.Pattern[str]:
    """A separator as written, or with any character in its full-width form; any run of
    spaces of any width when it is a space."""
    if separator.strip() == "":
        return re.compile(r"[\s\u3000]+")
    parts = []
    for char in separator:
        forms = {char}
        if "!" <= char <= "~":
            forms.add(chr(ord(char) + _FULL_WIDTH_OFFSET))
        elif "\uff01" <= char <= "\uff5e":
            forms.add(chr(ord(char) - _FULL_WIDTH_OFFSET))
        parts.append("[" + "".join(re.escape(f) for f in sorted(forms)) + "]")
    return re.compile(r"\s*" + "".join(parts) + r"\s*")


@dataclass(frozen=True)
class Split:
    """One legacy column spread over several standard columns: by a separator into `into`,
    or by a regular expression whose named groups are standard columns."""

    source: str
    separator: str | None = None
    into: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None

    def parts(self, text: str) -> tuple[dict[str, str], Note | None]:
        if self.pattern is not None:
            found = self.pattern.search(text)
            if found is None:
                return {}, (self.source, f"{text!r} does not match the mapping's pattern: "
                                         f"{', '.join(self.pattern.groupindex)} left empty")
            return {k: v.strip(_PART_EDGES) for k, v in found.groupdict().items() if v}, None
        pieces = [p.strip(_PART_EDGES) for p in separator_pattern(self.separator or ";")
                  .split(text)]
        pieces = [p for p in pieces if p] if len(pieces) > len(self.into) else pieces
        note = None
        if len(pieces) > len(self.into):
            extra = " ".join(pieces[len(self.into):])
            note = (self.source, f"{text!r} split into {len(pieces)} parts for "
                                 f"{len(self.into)} columns: {extra!r} was not imported")
        return {column: piece for column, piece in zip(self.into, pieces, strict=False)
                if piece}, note


@dataclass(frozen=True)
class SkipRule:
    """Rows to leave out, such as a totals row: a regular expression on one column's cell,
    or (no column) on the row's first non-empty cell."""

    matches: re.Pattern[str]
    column: str | None = None

    def applies(self, row: Mapping[str, object]) -> bool:
        if self.column is not None:
            text = cell_text(row.get(self.column))
        else:
            text = next((t for value in row.values() if (t := cell_text(value))), None)
        return text is not None and self.matches.search(text) is not None

    def describe(self) -> str:
        where = f"column {self.column}" if self.column else "first cell"
        return f"skip_rows: {where} matches {self.matches.pattern!r}"


@dataclass(frozen=True)
class Mapping_:
    record_type: str | None = None
    format: str | None = None
    encoding: str | None = None  # None: detected (nodes/importing/encodings.py)
    delimiter: str = ","
    sheet: str | None = None
    header_row: int = 1
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    splits: tuple[Split, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str | None] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    skip_rows: tuple[SkipRule, ...] = ()
    strict_dates: bool = False
    identity: bool = False

    def apply(self, legacy: Mapping[str, object]) -> tuple[dict[str, str | None], list[Note]]:
        """The standard row for one legacy row (column -> text, None or empty if unknown),
        and the notes on what was changed or left out."""
        notes: list[Note] = []
        if self.identity:
            row = dict(legacy)  # the standard CSV: RowReader.text strips as it reads
            for column in ID_COLUMNS:
                value = row.get(column)
                if value and ("e" in value or "E" in value):  # only then can it be shortened
                    row[column] = _id_text(column, column, value, notes)
        else:
            row = {}
            for standard, sources in self.columns.items():
                is_id = standard.endswith(("id_number", "id_numbers"))
                parts = [_id_text(standard, s, legacy.get(s), notes) if is_id
                         else cell_text(legacy.get(s)) for s in sources]
                # several columns make one ';' list, position by position: the co-holder's
                # id number stays the co-holder's when the holder's cell is empty
                row[standard] = ";".join(p or "" for p in parts) if any(parts) else None
            for split in self.splits:
                text = cell_text(legacy.get(split.source))
                if text is None:
                    continue
                parts, note = split.parts(text)
                if note:
                    notes.append(note)
                for column, piece in parts.items():
                    row[column] = (_id_text(column, split.source, piece, notes)
                                   if column.endswith(("id_number", "id_numbers")) else piece)
        for column, value in self.constants.items():
            row[column] = value
        for column, table in self.values.items():
            value = row.get(column)
            if value is not None:
                row[column] = ";".join(table.get(v.strip(), v.strip()) for v in value.split(";"))
        if _SUSPECT.search("\x00".join(filter(None, row.values()))):
            for column, value in row.items():
                if value and (found := damaged_text(value, column.endswith(NAME_COLUMNS))):
                    notes.append((self.where(column), found))
        return row, notes

    def skip_reason(self, legacy: Mapping[str, object]) -> str | None:
        for rule in self.skip_rows:
            if rule.applies(legacy):
                return rule.describe()
        return None

    def headers_needed(self) -> set[str]:
        needed = {source for sources in self.columns.values() for source in sources}
        needed |= {split.source for split in self.splits}
        return needed | {rule.column for rule in self.skip_rows if rule.column}

    def where(self, column: str) -> str:
        """A standard column as the engineer knows it: with the legacy header it came from."""
        sources = list(self.columns.get(column, ()))
        sources += [s.source for s in self.splits
                    if column in s.into or (s.pattern and column in s.pattern.groupindex)]
        return f"{column} ({', '.join(sources)})" if sources and sources != [column] else column


def _id_text(column: str, header: str, value: object, notes: list[Note]) -> str | None:
    text, problem = id_cell(value)
    if problem:
        where = column if header == column else f"{column} ({header})"
        notes.append((where, problem))
    return text


STANDARD = Mapping_(identity=True)
