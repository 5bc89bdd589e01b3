"""Reading a mapping file, and refusing one that says something we would not do.

Every key is checked: a misspelled one (`header_rows`) would otherwise be ignored and the
import would run on defaults the engineer did not choose. An error names the key and the
nearest valid one.
"""

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from nodes.importing.columns import columns_for
from nodes.importing.mapping import Mapping_, MappingError, SkipRule, Split

KEYS = ("record_type", "format", "encoding", "delimiter", "sheet", "header_row", "columns",
        "split", "values", "constants", "date_formats", "skip_rows", "strict_dates")
SPLIT_KEYS = ("source", "separator", "into", "pattern")
SKIP_KEYS = ("column", "matches")
FORMATS = ("csv", "xlsx")


def nearest(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the nearest choice, if one is near."""
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.5)
    return f"; did you mean {found[0]!r}?" if found else ""


def load_mapping(path: Path, record_type: str) -> Mapping_:
    """The mapping in `path` for an import of `record_type`, or MappingError saying what is
    wrong with it (every problem found, one per line)."""
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: a mapping file is a YAML mapping of settings")
    reader = _Reader(path, raw, record_type)
    mapping = reader.mapping()
    if reader.problems:
        raise MappingError("\n".join(f"{path}: {p}" for p in reader.problems))
    return mapping


class _Reader:
    def __init__(self, path: Path, raw: dict, record_type: str) -> None:
        self.raw, self.record_type = raw, record_type
        self.allowed = columns_for(record_type)
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def keys(self, where: str, found: dict, valid: tuple[str, ...]) -> None:
        for key in found:
            if key not in valid:
                self.problem(f"{where}{key!r} is not a mapping key{nearest(key, valid)} "
                             f"(valid: {', '.join(valid)})")

    def column(self, column: object, where: str) -> str:
        if column not in self.allowed:
            self.problem(f"{where}: {column!r} is not a column of {self.record_type}"
                         f"{nearest(str(column), self.allowed)}")
        return str(column)

    def table(self, key: str) -> dict:
        value = self.raw.get(key) or {}
        if not isinstance(value, dict):
            self.problem(f"{key}: a mapping of standard column to value")
            return {}
        return value

    def mapping(self) -> Mapping_:
        raw = self.raw
        self.keys("", raw, KEYS)
        if raw.get("record_type") not in (None, self.record_type):
            self.problem(f"the mapping is for {raw['record_type']!r}, the import for "
                         f"{self.record_type!r}")
        if raw.get("format") not in (None, *FORMATS):
            self.problem(f"format: {raw['format']!r} is not csv or xlsx")
        columns = {self.column(k, "columns"): tuple(str(s) for s in v) if isinstance(v, list)
                   else (str(v),) for k, v in self.table("columns").items()}
        values = {self.column(k, "values"): {str(a): str(b) for a, b in (v or {}).items()}
                  for k, v in self.table("values").items()}
        constants = {self.column(k, "constants"): str(v).strip() or None
                     for k, v in self.table("constants").items()}
        splits = self.splits()
        if "local_id" not in columns and "local_id" not in constants and not any(
                "local_id" in s.into or (s.pattern and "local_id" in s.pattern.groupindex)
                for s in splits):
            self.problem("columns must name the legacy column for local_id")
        return Mapping_(
            record_type=self.record_type, format=raw.get("format"),
            encoding=str(raw["encoding"]) if raw.get("encoding") else None,
            delimiter=str(raw.get("delimiter", ",")), sheet=raw.get("sheet"),
            header_row=self.header_row(), columns=columns, splits=tuple(splits),
            values=values, constants=constants,
            date_formats=tuple(str(f) for f in raw.get("date_formats") or ()),
            skip_rows=tuple(self.skip_rules()), strict_dates=bool(raw.get("strict_dates")),
        )

    def header_row(self) -> int:
        value = self.raw.get("header_row", 1)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.problem(f"header_row: {value!r} is not a row number (1 for the first row)")
            return 1
        return value

    def splits(self) -> list[Split]:
        splits = []
        for number, entry in enumerate(self.raw.get("split") or [], start=1):
            where = f"split {number}: "
            if not isinstance(entry, dict) or "source" not in entry:
                self.problem(f"{where}each split names its `source` column")
                continue
            self.keys(where, entry, SPLIT_KEYS)
            if "pattern" in entry:
                pattern = self.pattern(entry["pattern"], where)
                if pattern is not None:
                    for group in pattern.groupindex:
                        self.column(group, f"{where}pattern group")
                    if not pattern.groupindex:
                        self.problem(f"{where}the pattern names no group: write (?P<column>...)")
                splits.append(Split(str(entry["source"]), pattern=pattern))
            elif not entry.get("into"):
                self.problem(f"{where}give `into` (with `separator`) or a `pattern`")
            else:
                splits.append(Split(str(entry["source"]), str(entry.get("separator", ";")),
                                    tuple(self.column(c, f"{where}into") for c in entry["into"])))
        return splits

    def skip_rules(self) -> list[SkipRule]:
        rules = []
        for number, entry in enumerate(self.raw.get("skip_rows") or [], start=1):
            where = f"skip_rows {number}: "
            if isinstance(entry, str):
                entry = {"matches": entry}
            if not isinstance(entry, dict) or "matches" not in entry:
                self.problem(f"{where}a regular expression, or {{column, matches}}")
                continue
            self.keys(where, entry, SKIP_KEYS)
            pattern = self.pattern(entry["matches"], where)
            if pattern is not None:
                column = entry.get("column")
                rules.append(SkipRule(pattern, str(column) if column else None))
        return rules

    def pattern(self, text: object, where: str) -> re.Pattern[str] | None:
        try:
            return re.compile(str(text))
        except re.error as exc:
            self.problem(f"{where}{text!r} is not a regular expression: {exc}")
            return None
