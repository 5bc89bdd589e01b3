"""Turning an event into a standard catalogue row: reference numbers, parties, details.

Dates stay `(year, month, day)` tuples (0 = unknown month or day) so that each layout can
write them its own way; a date blemished into an odd form is already a string.
"""

from __future__ import annotations

import random

from generator.archives import (
    BOUNDARIES,
    BY_CODE,
    COMMUNES,
    FOREST_TYPES,
    POSITIONS,
    SPECIES,
    VILLAGES,
)
from generator.blemishes import ODD_DATE_RATE, Blemisher, Kinds
from generator.lives import Event
from generator.people import SURNAMES, Person
from generator.standard import DATE_COLUMNS

Row = dict[str, object]

_TYPE_CODES = {"marriage": "HY", "forestry_right": "LQ", "sent_down_youth": "ZQ",
               "employment": "ZG"}
_FONDS = {"marriage": 12, "forestry_right": 45, "sent_down_youth": 27, "employment": 31}
_PAGES = {"marriage": (1, 3), "forestry_right": (2, 6), "sent_down_youth": (2, 8),
          "employment": (1, 4)}
_STREETS = ("大河", "南城", "北城", "小市", "高坝", "罗汉", "安富", "茜草")
_DOC_KIND = {"state_owned": "招", "collective": "招", "replacement": "顶", "transfer": "调"}


def place_name(code: str, year: int) -> str:
    """Yongchuan and Jiangjin were counties, then cities (1992), then districts (2006)."""
    place = BY_CODE[code].place
    if code in ("500118", "500116"):
        return place[:-1] + ("县" if year < 1992 else "市" if year < 2006 else "区")
    return place


class Numbering:
    """local_id and archival reference (全宗号, 目录号, 档号, 件号) in each archive's style."""

    def __init__(self) -> None:
        self.seq: dict[tuple[str, str], int] = {}
        self.by_year: dict[tuple[str, str, int], int] = {}

    def next(self, code: str, rtype: str, year: int) -> tuple[str, str, str, str, int]:
        key = (code, rtype)
        n = self.seq.get(key, 0)
        self.seq[key] = n + 1
        arch = BY_CODE[code]
        local_id = f"{arch.prefix}{_TYPE_CODES[rtype]}{n + 1:06d}"
        base = _FONDS[rtype] + int(code[-2:]) * 100
        if arch.layout == "luzhou_xlsx":
            fonds = f"{base:04d}"
            catalog = f"{n // 1500 + 1:03d}"
            file_no = f"{fonds}-{catalog}-{n // 30 % 50 + 1:04d}"
            return local_id, fonds, catalog, file_no, n % 30 + 1
        if arch.layout == "standard":
            fonds = str(base % 1000 + 100)
            catalog = str(n // 1000 + 1)
            return local_id, fonds, catalog, f"{fonds}-{catalog}-{n // 25 % 40 + 1}", n % 25 + 1
        ykey = (code, rtype, year)
        k = self.by_year.get(ykey, 0)
        self.by_year[ykey] = k + 1
        if arch.layout == "yongchuan_csv":
            fonds = f"J{base % 1000:03d}"
            return local_id, fonds, str(year), f"{fonds}-{year}-{k // 20 + 1:04d}", k % 20 + 1
        fonds = f"{base % 1000:03d}"
        return local_id, fonds, str(year), f"{fonds}-{year}-{k // 20 + 1:03d}", k % 20 + 1


class RecordMaker:
    """Builds rows; every random choice comes from the one stream given."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.blemish = Blemisher(rng)
        self.numbering = Numbering()

    def make(self, ev: Event) -> tuple[str, Row, Kinds]:
        """(local_id, standard row, blemish kinds) for one event."""
        rng = self.rng
        year = ev.date[0]
        local_id, fonds, catalog, file_no, item = self.numbering.next(ev.archive, ev.rtype, year)
        lo, hi = _PAGES[ev.rtype]
        pages = rng.randint(lo, hi)
        r = rng.random()
        digitized = pages if r < 0.92 else 0 if r < 0.97 else max(1, pages - 1)
        restricted = 0.3 if ev.info.get("kind") == "divorce" else 0.06
        row: Row = {
            "local_id": local_id, "fonds_no": fonds, "catalog_no": catalog, "file_no": file_no,
            "item_no": item, "pages": pages, "event_date": ev.date,
            "access": "restricted" if rng.random() < restricted else "open",
            "digitized_pages": digitized,
        }
        kinds: Kinds = {}
        old = self.blemish.old_script(year)
        mode = self.blemish.id_mode(year, kinds)
        if ev.info.get("id_on_file"):  # written with the id number, whatever the year
            kinds.pop("no_id", None)
            mode = 18
        getattr(self, ev.rtype)(ev, row, year)
        if ev.rtype == "forestry_right":
            names, ids = [], []
            for p, _ in ev.parties:
                names.append(self.blemish.name(p, old, kinds))
                ids.append(self.blemish.id_number(p, mode, kinds))
            row["holder_names"] = ";".join(names)
            row["holder_id_numbers"] = ";".join(ids) if mode else ""
        else:
            for p, role in ev.parties:
                self.party(p, role, row, old, mode, kinds)
        if rng.random() < ODD_DATE_RATE:
            cols = [c for c in row if c in DATE_COLUMNS and isinstance(row[c], tuple)]
            col = rng.choice(cols)
            odd = self.blemish.odd_date(row[col])  # type: ignore[arg-type]
            if odd is not None:
                row[col] = odd
                kinds["odd_date"] = None
        return local_id, row, kinds

    def party(self, p: Person, role: str, row: Row, old: bool, mode: int, kinds: Kinds) -> None:
        row[f"{role}_name"] = self.blemish.name(p, old, kinds)
        row[f"{role}_id_number"] = self.blemish.id_number(p, mode, kinds)
        row[f"{role}_gender"] = p.gender
        row[f"{role}_birth_date"] = self.blemish.birth_date(p)
        native = p.native_place
        if native[2] == "省" and self.rng.random() < 0.4:
            native = native[3:]
        row[f"{role}_native_place"] = self.blemish.traditional(native) if old else native

    # --- details per type ---------------------------------------------------------------
    def marriage(self, ev: Event, row: Row, year: int) -> None:
        rng, code = self.rng, ev.archive
        arch = BY_CODE[code]
        kind = str(ev.info["kind"])
        row["registration_kind"] = kind
        if year < 1986:
            row["certificate_no"] = f"{arch.short}婚字第{rng.randint(1, 9999):04d}号"
        else:
            letter = "L" if kind == "divorce" else "J"
            row["certificate_no"] = f"{letter}{code}-{year}-{rng.randint(1, 99999):06d}"
        place = place_name(code, year)
        if code in ("500118", "500116") or arch.layout == "county_csv":
            commune = rng.choice(COMMUNES[code][1])[:-2]
            if year < 1984:
                office = f"{place}{commune}公社管理委员会"
            elif year < 1996:
                office = f"{place}{commune}乡人民政府"
            else:
                office = f"{place}民政局婚姻登记处"
        elif year < 1980:
            office = f"{place}{rng.choice(_STREETS)}街道办事处"
        else:
            office = f"{place}民政局婚姻登记处"
        row["registry_office"] = office

    def forestry_right(self, ev: Event, row: Row, year: int) -> None:
        rng = self.rng
        county = place_name(ev.archive, year)
        township = rng.choice(COMMUNES[ev.archive][1])[:-2] + rng.choice(("乡", "镇"))
        n = rng.randint(1, 9999)
        if year < 2000:
            row["certificate_no"] = f"{county}林证字（{year}）第{n:04d}号"
        else:
            short = BY_CODE[ev.archive].short
            row["certificate_no"] = f"{short}林证字（{year}）第{ev.archive}{n:06d}号"
        row["township"] = township
        row["village"] = rng.choice(VILLAGES)
        row["plot_no"] = f"{rng.randint(1, 30):02d}-{rng.randint(1, 999):03d}"
        row["area_mu"] = f"{rng.uniform(0.3, 40):.1f}"
        ftype = rng.choice(FOREST_TYPES)
        row["forest_type"] = ftype
        row["species"] = rng.choice(SPECIES[ftype])
        if year < 2000:
            kind = "use" if rng.random() < 0.7 else "ownership"
        else:
            kind = rng.choice(("contract", "contract", "contract", "use", "use", "ownership"))
        row["right_kind"] = kind
        y, m, d = ev.date
        if kind == "contract":
            row["term_start"], row["term_end"] = ev.date, (y + rng.choice((30, 50, 70)), m, d)
        elif kind == "use":
            row["term_start"], row["term_end"] = ev.date, (y + 50, m, d) if y >= 2000 else ""
        else:
            row["term_start"] = row["term_end"] = ""
        for side in ("east", "south", "west", "north"):
            b = rng.choice(BOUNDARIES) if rng.random() < 0.7 else f"{rng.choice(SURNAMES)}家林地"
            row[f"boundary_{side}"] = "至" + b

    def sent_down_youth(self, ev: Event, row: Row, year: int) -> None:
        info = ev.info
        county, commune, brigade, team = info["destination"]  # type: ignore[misc]
        row["origin_unit"] = info["origin_unit"]
        row["dispatch_date"] = ev.date
        row["destination_county"] = county
        row["destination_commune"] = commune
        row["destination_brigade"] = brigade
        row["destination_team"] = team
        row["return_date"] = info["return_date"]
        row["return_reason"] = info["return_reason"]

    def employment(self, ev: Event, row: Row, year: int) -> None:
        rng, info = self.rng, ev.info
        kind = str(info["recruitment_kind"])
        short = BY_CODE[ev.archive].short if ev.archive in ("500118", "500116") else "泸"
        row["employer"] = info["employer"]
        row["recruitment_kind"] = kind
        number = rng.randint(1, 320)
        row["approval_doc_no"] = f"{short}劳{_DOC_KIND[kind]}〔{year}〕第{number:03d}号"
        row["position"] = rng.choice(POSITIONS)
        row["prior_status"] = info["prior_status"]
