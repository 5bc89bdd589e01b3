"""What an import did, for the engineer at the terminal and for the archivist in Excel.

The report file is CSV in UTF-8 with a BOM (Excel then shows the Chinese), one row per
finding: the line, what happened, the record's local id and 档号, the reason, and the
row's cells as the catalogue has them, one column per legacy header, so that the row can
be found and fixed without opening the catalogue beside it.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from nodes.services.importer import ImportReport

FIXED = ["line", "outcome", "local_id", "file_no", "reason"]
OUTCOME_ORDER = {"rejected": 0, "warning": 1, "skipped": 2, "missing": 3, "withdrawn": 3}


def write_report(report: ImportReport, path: Path) -> None:
    headers: dict[str, None] = {}
    for finding in report.findings:
        for header, _ in finding.source:
            headers.setdefault(header, None)
    findings = sorted(report.findings, key=lambda f: (f.line is None, f.line or 0,
                                                      OUTCOME_ORDER.get(f.outcome, 9)))
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIXED + [f"source: {h}" for h in headers])
        for finding in findings:
            cells = dict(finding.source)
            writer.writerow([finding.line if finding.line is not None else "", finding.outcome,
                             finding.local_id or "", finding.file_no or "", finding.reason,
                             *(cells.get(h, "") for h in headers)])


def summary(report: ImportReport, file: Path) -> str:
    would = "would be " if report.dry_run else ""
    parts = [f"{report.inserted} {would}inserted", f"{report.updated} {would}updated",
             f"{report.unchanged} unchanged", f"{len(report.rejected)} rejected"]
    if report.skipped:
        parts.append(f"{report.skipped} skipped (skip_rows)")
    parts.append(f"{len(report.warnings)} warnings")
    read = f" read as {report.encoding};" if report.encoding else ""
    text = f"{file}:{read} {report.rows} rows: {', '.join(parts)}"
    if report.missing:
        if report.withdrawn:
            text += (f"; {report.withdrawn} records of an earlier import of "
                     f"{report.source} are no longer in it and were withdrawn")
        else:
            text += (f"; {len(report.missing)} records of an earlier import of "
                     f"{report.source} are no longer in it (still served; "
                     "--withdraw-missing withdraws them)")
    if report.dry_run:
        return "dry run, nothing written: " + text
    if report.locator is not None:
        built = report.locator
        text += (f"; locator rebuilt: {built.parties} parties, {built.keys} keys, "
                 f"{built.bytes // 1024} KiB in {built.seconds:.1f} s")
    else:
        text += ("; no locator key (LIANCHA_LOCATOR_KEY): this node publishes no locator, "
                 "hubs ask it for every query")
    return text


def problem_lines(report: ImportReport, limit: int = 50) -> Iterator[str]:
    """The rejected rows, then the warnings, each with its line; at most `limit` of each."""
    for outcome in ("rejected", "warning"):
        found = [f for f in report.findings if f.outcome == outcome]
        for finding in found[:limit]:
            local = f" [{finding.local_id}]" if finding.local_id else ""
            yield f"  line {finding.line}{local}: {outcome}: {finding.reason}"
        if len(found) > limit:
            yield f"  ... and {len(found) - limit} more {outcome} rows (all in --report)"
