"""Mapping files: how a legacy catalogue's rows become standard rows (docs/import-mapping.md)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nodes.importing.columns import columns_for


class MappingError(Exception):
    """The mapping file itself is wrong; nothing is imported."""


@dataclass(frozen=True)
class Split:
    source: str
    separator: str
    into: tuple[str, ...]


@dataclass(frozen=True)
class Mapping_:
    record_type: str | None = None
    format: str | None = None
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    sheet: str | None = None
    header_row: int = 1
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    splits: tuple[Split, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str | None] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    identity: bool = False

    def apply(self, legacy: Mapping[str, object]) -> dict[str, str | None]:
        """The standard row for one legacy row (column -> text, None or empty if unknown)."""
        if self.identity:
            row = dict(legacy)  # the standard CSV: RowReader.text strips as it reads
        else:
            row = {}
            for standard, sources in self.columns.items():
                parts = [t for s in sources if (t := _text(legacy.get(s))) is not None]
                row[standard] = ";".join(parts) if parts else None
            for split in self.splits:
                pieces = (_text(legacy.get(split.source)) or "").split(split.separator)
                for index, column in enumerate(split.into):
                    piece = pieces[index].strip() if index < len(pieces) else ""
                    row[column] = piece or row.get(column)
        for column, value in self.constants.items():
            row[column] = value
        for column, table in self.values.items():
            value = row.get(column)
            if value is not None:
                row[column] = ";".join(table.get(v.strip(), v.strip()) for v in value.split(";"))
        return row

    def headers_needed(self) -> set[str]:
        needed = {source for sources in self.columns.values() for source in sources}
        return needed | {split.source for split in self.splits}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()[:10]  # type: ignore[union-attr]
    text = str(value).strip()
    return text or None


STANDARD = Mapping_(identity=True)


def load_mapping(path: Path, record_type: str) -> Mapping_:
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc}") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: a mapping file is a YAML mapping of settings")
    if raw.get("record_type") not in (None, record_type):
        raise MappingError(
            f"{path}: the mapping is for {raw['record_type']!r}, the import for {record_type!r}"
        )
    allowed = set(columns_for(record_type))

    def check(column: str, where: str) -> str:
        if column not in allowed:
            raise MappingError(f"{path}: {where}: {column!r} is not a column of {record_type}")
        return column

    columns = {
        check(k, "columns"): tuple(v) if isinstance(v, list) else (str(v),)
        for k, v in (raw.get("columns") or {}).items()
    }
    splits = tuple(
        Split(str(s["source"]), str(s.get("separator", ";")),
              tuple(check(c, "split") for c in s["into"]))
        for s in raw.get("split") or []
    )
    values = {
        check(k, "values"): {str(a): str(b) for a, b in (v or {}).items()}
        for k, v in (raw.get("values") or {}).items()
    }
    constants = {check(k, "constants"): str(v).strip() or None
                 for k, v in (raw.get("constants") or {}).items()}
    if "local_id" not in columns and "local_id" not in constants:
        raise MappingError(f"{path}: columns must name the legacy column for local_id")
    return Mapping_(
        record_type=record_type,
        format=raw.get("format"),
        encoding=str(raw.get("encoding", "utf-8-sig")),
        delimiter=str(raw.get("delimiter", ",")),
        sheet=raw.get("sheet"),
        header_row=int(raw.get("header_row", 1)),
        columns=columns,
        splits=splits,
        values=values,
        constants=constants,
        date_formats=tuple(raw.get("date_formats") or ()),
    )
