"""Records: ground truth coverage, id numbers by era, blemishes, lives across archives."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import ric

from tests.generator.conftest import catalogues, standard_rows

ID_COLUMNS = {
    "marriage": ("husband_id_number", "wife_id_number"),
    "forestry_right": ("holder_id_numbers",),
    "sent_down_youth": ("youth_id_number",),
    "employment": ("worker_id_number",),
}
NAME_COLUMNS = {
    "marriage": ("husband_name", "wife_name"),
    "forestry_right": ("holder_names",),
    "sent_down_youth": ("youth_name",),
    "employment": ("worker_name",),
}
_CN = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}


def year_of(text: str) -> int:
    """The year of any date form the generator writes."""
    text = "".join(_CN.get(c, c) for c in text)
    if m := re.fullmatch(r"(\d\d)-\d\d-\d\d", text):
        return 1900 + int(m.group(1))
    m = re.match(r"(\d{4})", text)
    assert m, text
    return int(m.group(1))


def check_holds(number: str) -> bool:
    """Whether an 18-character id's check character holds (MOD 11-2).

    Not `ric.is_valid`: it also requires the region code to exist in the birth year, which
    real ids (issued from 1984 with the then current code) often fail.
    """
    return ric.calc_check_digit(number) == number[-1]


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def records(legacy_out: Path, manifest: dict[str, Any]) -> dict[str, tuple[str, dict]]:
    """record_id -> (record_type, standard row) over every catalogue."""
    out: dict[str, tuple[str, dict]] = {}
    for code, cat in catalogues(manifest):
        rows = standard_rows(legacy_out, cat)
        assert len(rows) == cat["rows"]
        for row in rows:
            rid = f"{code}/{cat['record_type']}/{row['local_id']}"
            assert rid not in out, rid
            out[rid] = (cat["record_type"], row)
    return out


def _ids(rtype: str, row: dict[str, str]) -> list[str]:
    ids = []
    for col in ID_COLUMNS[rtype]:
        ids.extend(i for i in row[col].split(";") if i)
    return ids


def test_ground_truth_covers_every_party_once(legacy_out: Path, records: dict) -> None:
    truth = _read(legacy_out / "ground_truth.csv")
    people = {p["person_id"] for p in _read(legacy_out / "people.csv")}
    per_record = Counter(t["record_id"] for t in truth)
    assert set(per_record) == set(records)
    assert len({(t["record_id"], t["person_id"]) for t in truth}) == len(truth)
    for rid, (rtype, row) in records.items():
        parties = sum(len(row[c].split(";")) for c in NAME_COLUMNS[rtype])
        assert per_record[rid] == parties, rid
    roles = {"marriage": {"husband", "wife"}, "forestry_right": {"holder"},
             "sent_down_youth": {"youth"}, "employment": {"worker"}}
    for t in truth:
        assert t["person_id"] in people
        assert t["role"] in roles[records[t["record_id"]][0]]
    holders = Counter(len(r["holder_names"].split(";")) for t, r in records.values()
                      if t == "forestry_right")
    assert set(holders) <= {1, 2, 3} and holders[2] > 0


def test_ids_by_era(legacy_out: Path, records: dict) -> None:
    truth = _read(legacy_out / "ground_truth.csv")
    true_id = {p["person_id"]: p["id_number"] for p in _read(legacy_out / "people.csv")}
    by_record = defaultdict(list)
    for t in truth:
        by_record[t["record_id"]].append(true_id[t["person_id"]])
    seen = Counter()
    for rid, (rtype, row) in records.items():
        year = year_of(row["event_date"])
        ids = _ids(rtype, row)
        if year < 1984:
            assert ids == [], rid
            seen["none"] += 1
        elif year < 2000:
            assert all(re.fullmatch(r"\d{15}", i) for i in ids), rid
            for i in ids:
                body = i[:6] + "19" + i[6:]
                assert body + ric.calc_check_digit(body + "0") in by_record[rid]
            seen["15"] += bool(ids)
        else:
            assert all(re.fullmatch(r"\d{17}[\dX]", i) for i in ids), rid
            seen["18"] += bool(ids)
    assert seen["none"] and seen["15"] and seen["18"]


def test_people_have_valid_ids(legacy_out: Path) -> None:
    for p in _read(legacy_out / "people.csv"):
        assert check_holds(p["id_number"]), p
        assert ric.get_birth_date(p["id_number"]).isoformat() == p["birth_date"]
        assert (int(p["id_number"][16]) % 2 == 1) == (p["gender"] == "M")
        assert p["name"] and p["native_place"]


def test_every_blemish_kind_occurs(legacy_out: Path, records: dict) -> None:
    blemishes = _read(legacy_out / "blemishes.csv")
    kinds = Counter(b["kind"] for b in blemishes)
    assert set(kinds) == {"traditional", "homophone", "middle_dot_variant", "rare_char",
                          "bad_check_char", "id_15", "no_id", "odd_date"}, kinds
    assert all(b["record_id"] in records for b in blemishes)
    by_record = defaultdict(set)
    for b in blemishes:
        by_record[b["record_id"]].add(b["kind"])
    for rid, (rtype, row) in records.items():
        ids = _ids(rtype, row)
        bad = any(len(i) == 18 and not check_holds(i) for i in ids)
        assert bad == ("bad_check_char" in by_record[rid]), rid
        assert (any(len(i) == 15 for i in ids)) == ("id_15" in by_record[rid]), rid
        assert (not ids) == ("no_id" in by_record[rid]), rid
        names = "".join(row[c] for c in NAME_COLUMNS[rtype])
        if "middle_dot_variant" in by_record[rid]:
            assert any(d in names for d in "•・．."), rid
        if "rare_char" in by_record[rid]:
            assert any(c in names for c in "𠮷䶮堃喆珺"), rid


def test_people_cross_archives(legacy_out: Path) -> None:
    archives = defaultdict(set)
    for t in _read(legacy_out / "ground_truth.csv"):
        archives[t["person_id"]].add(t["record_id"].split("/")[0])
    assert max(len(a) for a in archives.values()) >= 3
    types = defaultdict(set)
    for t in _read(legacy_out / "ground_truth.csv"):
        types[t["person_id"]].add(t["record_id"].split("/")[1])
    assert any({"sent_down_youth", "employment", "marriage"} <= t for t in types.values())
