"""Sample certificate contents for the tests and the benchmark."""

from datetime import date

from certificates.pdf import ArchiveAnswer, CertificateContent, CertificateRecord

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
        verify_hint="用手机扫描左侧二维码，或访问 liancha.example.cn/v 输入证明编号，"
                    "核对证明是否有效、是否被撤销；离线可用公布的公钥验证签名。")


def many_records(count: int) -> list[CertificateRecord]:
    types = ["marriage", "forestry_right", "sent_down_youth", "employment"]
    return [CertificateRecord(types[i % 4], ARCHIVES[i % 3].archive, f"J{i:03d}-1975-{i:04d}",
                              f"第{i + 1}件：1975年{i % 12 + 1}月记载的事项，"
                              "内容较长时自动换行显示，以便核对。" * (1 + i % 2))
            for i in range(count)]
