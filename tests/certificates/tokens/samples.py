"""A realistic certificate's content and its token claims, for the token tests and the bench."""

from datetime import date
from typing import Any

from certificates.tokens import CertificateClaims, compact_number, mask_name, short_digest


def certificate() -> dict[str, Any]:
    """The content of a one-page certificate, as the hub would digest it."""
    return {
        "certificate_no": "泸档证〔2026〕第000123号",
        "kind": "records",
        "issuing_archive": {"code": "510500", "name": "泸州市档案馆"},
        "requester": {"name": "张德华", "id_number_masked": "5105**********002X"},
        "purpose": "办理退休工龄认定",
        "issued_on": date(2026, 11, 25),
        "records": [
            {"type": "marriage", "archive": "重庆市永川区档案馆", "file_no": "500118-HY-1987-0342",
             "summary": "1987年3月12日，张德华与李秀英在永川县民政局登记结婚"},
            {"type": "employment", "archive": "重庆市江津区档案馆", "file_no": None,
             "summary": "1979年1月经招工进入江津县农机厂，工种：钳工"},
        ],
        "archives_searched": [{"archive": "泸州市档案馆", "status": "ok"},
                              {"archive": "重庆市永川区档案馆", "status": "ok"}],
        "pages": 1,
    }


def claims_for(content: dict[str, Any], sequence: int = 123,
               expires_on: date | None = None) -> CertificateClaims:
    return CertificateClaims(
        number=compact_number("510500", 2026, sequence),
        issued_on=content["issued_on"],
        digest=short_digest(content),
        holder=mask_name(content["requester"]["name"]),
        archive="510500",
        expires_on=expires_on,
    )
