"""Sample certificate contents for the tests and the benchmark."""

from datetime import date

from certificates.issuing import VERIFY_HINT
from certificates.pdf import ArchiveAnswer, CertificateContent, CertificateRecord
from certificates.wording import record_summary
from generator.archives import ARCHIVES as REGION_ARCHIVES

VERIFY_URL = ("https://liancha.example.cn/v/eyJhbGciOiJFZERTQSIsImtpZCI6IkZ4M2tRIn0."
              "eyJubyI6IuazuOaho-ivgeOAlDIwMjbjgJXnrKwwMDAxMjPlj7ciLCJkIjoiMjAyNi0xMS0yNSIsImgi"
              "OiI3ZjNhOWMyZSIsIm0iOiLlkLQqKiJ9.3q2-7Qw_Lx9Zk1mN0pQrStUvWxYz0123456789abcdefGHIJ"
              "klmnopQRSTuvwxYZ0123456789-_aBcDeFgHiJkLmNoPqRsTuVwXyZ01")

ARCHIVES = [
    ArchiveAnswer("泸州市档案馆", "ok"),
    ArchiveAnswer("重庆市永川区档案馆", "ok"),
    ArchiveAnswer("重庆市江津区档案馆", "ok"),
]

RECORDS = [
    CertificateRecord("marriage", "重庆市永川区档案馆", "500118-HY-1987-0342",
                      "1987年3月12日，张德华与李秀英在永川县民政局登记结婚"),
    CertificateRecord("sent_down_youth", "泸州市档案馆", "J021-1975-0123",
                      "1975年3月由泸州市下乡至叙永县落卡公社插队，1978年12月返城"),
    CertificateRecord("employment", "重庆市江津区档案馆", None,
                      "1979年1月经招工进入江津县农机厂，工种：钳工"),
]


def sample(name: str = "张德华", records: list[CertificateRecord] | None = None,
           kind: str = "records", verify_url: str = VERIFY_URL) -> CertificateContent:
    """A one-page certificate (three records) unless told otherwise."""
    return CertificateContent(
        certificate_no="泸档证〔2026〕第000123号", kind=kind, issuing_archive="泸州市档案馆",
        requester_name=name, requester_id_masked="5105**********002X",
        purpose="办理退休工龄认定", issued_on=date(2026, 11, 25),
        records=RECORDS if records is None else records, archives_searched=ARCHIVES,
        verify_url=verify_url,
        verify_hint=VERIFY_HINT)


def many_records(count: int) -> list[CertificateRecord]:
    types = ["marriage", "forestry_right", "sent_down_youth", "employment"]
    return [CertificateRecord(types[i % 4], ARCHIVES[i % 3].archive, f"J{i:03d}-1975-{i:04d}",
                              f"第{i + 1}件：1975年{i % 12 + 1}月记载的事项，"
                              "内容较长时自动换行显示，以便核对。" * (1 + i % 2))
            for i in range(count)]



REGION = [ArchiveAnswer(archive.name, status) for archive, status in zip(
    REGION_ARCHIVES, ["ok", "ok", "ok", "timeout", "ok", "ok", "ok", "error", "ok", "ok"],
    strict=True)]
"""The ten archives of the region, two of which did not answer."""


def _record(record_type: str, names: list[tuple[str, str]], event_date: str,
            details: dict) -> dict:
    return {"record_type": record_type, "event_date": event_date, "details": details,
            "parties": [{"name_raw": name, "role": role} for name, role in names]}


TYPICAL = [  # (holding archive, file number, the record as the hub's answer gives it)
    ("泸州市档案馆", "510500-HY-1988-0342", _record(
        "marriage", [("张德华", "husband"), ("李秀英", "wife")], "1988-06-12",
        {"registration_kind": "marriage", "certificate_no": "泸婚字第0342号"})),
    ("重庆市江津区档案馆", "J021-1970-0123", _record(
        "sent_down_youth", [("张德华", "youth")], "1970-03",
        {"origin_unit": "泸州市第一中学", "dispatch_date": "1970-03",
         "destination": {"brigade": "红旗大队", "commune": "先锋公社", "county": "江津县",
                         "team": "第三生产队"}})),  # keys sorted, as canonical JSON has them
    ("重庆市永川区档案馆", "YC-ZG-1978-0088", _record(
        "employment", [("张德华", "worker")], "1978-10",
        {"employer": "永川国营红星机械厂", "recruitment_kind": "state_owned"})),
    ("叙永县档案馆", "XY-LQ-1984-1203", _record(
        "forestry_right", [("张德华", "holder")], "1984-06",
        {"location": {"plot_no": "12号", "township": "落卡乡", "village": "红岩村"},
         "area_mu": 12.5, "right_kind": "contract"})),
    ("泸州市江阳区档案馆", "JY-HY-1995-0077", _record(
        "marriage", [("张德华", "husband"), ("王桂芳", "wife")], "1995-02-08",
        {"registration_kind": "remarriage", "certificate_no": None})),
    ("重庆市永川区档案馆", "YC-ZG-1981-0410", _record(
        "employment", [("张德华", "worker")], "1981-04",
        {"employer": "永川县农机修造厂", "recruitment_kind": "transfer"})),
    ("合江县档案馆", "HJ-ZQ-1972-0031", _record(
        "sent_down_youth", [("张德华", "youth")], "1972-09",
        {"origin_unit": "合江县白沙中学", "dispatch_date": "1972-09",
         "destination": {"county": "合江县", "commune": "先滩公社", "brigade": "第五大队",
                         "team": "第二生产队"}})),
    ("泸县档案馆", "LX-LQ-1983-0519", _record(
        "forestry_right", [("张德华", "holder")], "1983-11",
        {"location": {"township": "福集乡", "village": "龙潭村", "plot_no": None},
         "area_mu": 4.0, "right_kind": "use"})),
]


def typical_records(count: int = 8) -> list[CertificateRecord]:
    """Records as the hub words them (`record_summary`): most on one line of the table."""
    return [CertificateRecord(record["record_type"], holding, file_no, record_summary(record))
            for holding, file_no, record in (TYPICAL * (count // len(TYPICAL) + 1))[:count]]
