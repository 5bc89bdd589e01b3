"""What a certificate says, and the Chinese words it says it with.

The hub builds a `CertificateContent` from a query's result; `render_certificate` prints it.
Record types and archive answers may be given as the standard's codes (`marriage`,
`timeout`, ...) or already in Chinese; unknown values are printed as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certificates.pdf.seal import SealArt

RECORDS = "records"
NO_RECORD = "no_record"

TITLES = {RECORDS: "档案查询证明", NO_RECORD: "无档案记载证明"}

RECORD_TYPES = {
    "marriage": "婚姻",
    "forestry_right": "林权",
    "forestry": "林权",
    "sent_down_youth": "知青",
    "employment": "招工",
    "recruitment": "招工",
}

ANSWERS = {
    "ok": "已答复",
    "found": "已答复，有记载",
    "not_found": "已答复，无记载",
    "timeout": "超时未答复",
    "error": "查询出错，未答复",
    "unavailable": "暂停服务，未答复",
    "skipped": "未查询",
    "not_held": "经档案索引核对，无记载",
}


@dataclass(frozen=True)
class CertificateRecord:
    """One record the certificate attests."""

    record_type: str  # a record type code (marriage, ...) or its Chinese name (婚姻, ...)
    holding_archive: str
    file_no: str | None  # 档号
    summary: str  # key details, in Chinese, one line or a few


@dataclass(frozen=True)
class ArchiveAnswer:
    """An archive that was searched and how it answered (ok, timeout, ...)."""

    archive: str
    status: str


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on one certificate."""

    certificate_no: str  # e.g. 泸档证〔2026〕第000123号
    kind: str  # "records" or "no_record" (无档案记载证明)
    issuing_archive: str
    requester_name: str
    requester_id_masked: str  # e.g. 5105**********002X
    purpose: str
    issued_on: date
    records: list[CertificateRecord]
    archives_searched: list[ArchiveAnswer]
    verify_url: str  # what the QR code holds
    verify_hint: str  # how to verify, in Chinese
    searched: str = "馆藏档案"  # what was searched: 馆藏档案, or 馆藏婚姻登记档案（1970年以来）
    searched_everything: bool = True  # every record type, no date window
    verify_code: str = ""  # 核验码: typed with the number where the QR code cannot be read
    verify_address: str = ""  # where to type it: the verification page, e.g. https://.../v
    accepting_archive: str | None = None  # 受理: the archive that accepted the request
    # the issuing archive's own seal (SEAL_DIRECTORY); None: the drawn seal
    seal_art: SealArt | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in TITLES:
            raise ValueError(f"kind must be one of {sorted(TITLES)}, not {self.kind!r}")
        if self.kind == NO_RECORD and self.records:
            raise ValueError("a no_record certificate lists no records")

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def record_type_label(record_type: str) -> str:
    """婚姻, 林权, 知青 or 招工 for a record type code; other values unchanged."""
    return RECORD_TYPES.get(record_type, record_type)


def answer_label(status: str) -> str:
    """The Chinese words for an archive's answer; unknown statuses unchanged."""
    return ANSWERS.get(status, status)


def chinese_date(day: date) -> str:
    """2026年11月25日."""
    return f"{day.year}年{day.month}月{day.day}日"

