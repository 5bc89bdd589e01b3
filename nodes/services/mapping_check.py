"""`liancha node mapping check`: a mapping's keys and columns, and with a catalogue file its
sheet, header row and first rows as the import would store them, before anything lands."""

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import yaml

from nodes.importing.mapping import MappingError
from nodes.importing.mapping_file import load_mapping
from nodes.importing.prepare import Rejected, Skipped, prepare_chunk
from nodes.importing.readers import encoding_of, read_rows
from schemas.fields import RECORD_TYPES


def mapping_record_type(path: Path, given: str | None) -> str:
    """The record type to check for: given, or the mapping's own `record_type`."""
    if given:
        return given
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc}") from exc
    found = raw.get("record_type") if isinstance(raw, dict) else None
    if found not in RECORD_TYPES:
        raise MappingError(f"{path}: the mapping names no record_type; give --type "
                           f"({', '.join(RECORD_TYPES)})")
    return str(found)


def check(mapping_path: Path, record_type: str, file: Path | None,
          rows: int = 5) -> Iterator[str]:
    """Lines to print; MappingError when the mapping or the file does not fit."""
    mapping = load_mapping(mapping_path, record_type)
    yield f"{mapping_path}: a valid mapping for {record_type}"
    if file is None:
        return
    encoding = encoding_of(file, mapping)
    if encoding:
        yield f"{file}: read as {encoding.describe()}"
    else:
        yield f"{file}: sheet {mapping.sheet or '(the first)'}, header row {mapping.header_row}"
    first = list(islice(read_rows(file, mapping, encoding), rows))
    if not first:
        yield f"{file}: no data rows below the header row"
    for outcome in prepare_chunk(first, record_type, mapping):
        yield from _show(outcome, mapping, dict(first)[outcome.line])


def _show(outcome, mapping, legacy: dict) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if isinstance(outcome, Skipped):
        yield f"line {outcome.line}: skipped: {outcome.reason}"
        return
    if isinstance(outcome, Rejected):
        yield f"line {outcome.line}: rejected: {outcome.reason}"
        standard, _ = mapping.apply(legacy)
        yield "    " + ", ".join(f"{column}={value}" for column, value in standard.items()
                                 if value)
    else:
        yield f"line {outcome.line}: ok"
        yield from (f"    {line}" for line in _stored(json.loads(outcome.values[6])))
    for warning in outcome.warnings:
        yield f"    warning: {warning}"


def _stored(document: dict) -> Iterator[str]:
    """The record as the node will hold it: its dates parsed, its parties identified."""
    reference = {k: v for k, v in document["reference"].items() if v is not None}
    yield (f"local_id={document['local_id']}, event_date={document['event_date']}, "
           f"access={document['access']}"
           + "".join(f", {k}={v}" for k, v in reference.items()))
    for party in document["parties"]:
        known = [f"id_number={party['id_number']}" if party["id_number"] else "no id number"]
        known += [f"{k}={party[k]}" for k in ("gender", "birth_date", "native_place")
                  if party.get(k) not in (None, "U")]
        yield f"{party['role']}: {party['name']} ({', '.join(known)})"
    details = [f"{k}.{sub}={v}" if sub else f"{k}={v}" for k, value in
               document["details"].items() for sub, v in
               (value.items() if isinstance(value, dict) else [("", value)]) if v is not None]
    if details:
        yield ", ".join(details)
