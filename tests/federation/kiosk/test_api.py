"""What a person does in a kiosk session: records masked for a public hall, certificates of
this archive's records, cross-archive requests for the others; Chinese problems."""

import dataclasses
import io
import json
import re

from pypdf import PdfReader
from sqlalchemy import select

from casework.services import get_request
from certificates.models import Certificate
from federation.identity import Identity
from federation.ratelimit import Budget
from tests.federation.kiosk.conftest import DEVICE, LI, MARRIAGE, TRANSFER
from tests.nodes.people import LI_ID, OTHER_ZHANG_ID, ZHANG_ID, ZHANG_ID_15

FULL_ID = re.compile(r"\d{15}")  # any id, 15 or 18 characters long, written out
CLERK = Identity("clerk:wang", "clerk", archive="510500", roles=frozenset({"receiving"}))


def records(kiosk, token: str) -> dict:  # type: ignore[no-untyped-def]
    answer = kiosk.post("/records", token, {"purpose": "婚姻状况证明"})
    assert answer.status_code == 200, answer.json
    return answer.json


def no_full_id(answer: dict) -> None:
    text = json.dumps({k: v for k, v in answer.items() if k != "query_id"},
                      ensure_ascii=False)
    assert not FULL_ID.search(text), text
    for number in (ZHANG_ID, ZHANG_ID_15, LI_ID, OTHER_ZHANG_ID):
        assert number not in text and number[:14] not in text


def test_records_are_the_persons_own_and_masked_for_a_public_hall(kiosk):
    opened = kiosk.open()
    no_full_id(opened.json)
    answer = records(kiosk, opened.json["session_token"])
    no_full_id(answer)
    assert answer["person"] == {"name": "张*华", "id_number": "5105**********0011"}
    assert [(r["record_id"], r["held_here"]) for r in answer["records"]] == [
        (MARRIAGE, True), (TRANSFER, False)]  # this archive's first
    marriage, transfer = answer["records"]
    assert set(marriage) == {"record_id", "record_type", "record_type_label", "archive",
                             "event_date", "summary", "held_here"}
    assert marriage["summary"].startswith("张国华 与 李*英 结婚登记 1988-06")
    assert "李秀英" not in json.dumps(answer, ensure_ascii=False)
    assert (marriage["record_type_label"], marriage["archive"]["name"]) == ("婚姻", "泸州市档案馆")
    assert (transfer["record_type_label"], transfer["event_date"]) == ("招工", "1990-05")
    assert answer["complete"] and [a["answered"] for a in answer["archives"]] == [True] * 3
    assert "500118/employment/YC-E-OTHER" not in {r["record_id"] for r in answer["records"]}


def test_the_wife_sees_the_same_marriage_with_the_husband_masked(kiosk):
    answer = records(kiosk, kiosk.session(LI))
    no_full_id(answer)
    assert [r["record_id"] for r in answer["records"]] == [MARRIAGE]
    assert answer["records"][0]["summary"].startswith("张*华 与 李秀英")


def test_a_certificate_of_this_archives_record_is_printed(kiosk):
    token = kiosk.session()
    answer = records(kiosk, token)
    issued = kiosk.post("/certificates", token, {"query_id": answer["query_id"],
                                                 "record_ids": [MARRIAGE],
                                                 "purpose": "婚姻状况证明"})
    assert issued.status_code == 201, issued.json
    number = issued.json["certificate_no"]
    assert number.startswith("510500-") and issued.json["archive"]["code"] == "510500"
    assert issued.json["pdf_url"] == f"/kiosk/api/v1/certificates/{number}/pdf"
    pdf = kiosk.get(f"/certificates/{number}/pdf", token)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert issued.json["display_no"] in text and "婚姻状况证明" in text
    with kiosk.hub.application.extensions["liancha.db"].session() as session:
        certificate = session.get(Certificate, number)
        assert certificate.holder_subject == f"citizen:{ZHANG_ID}"
        assert certificate.actor == f"citizen:{ZHANG_ID}@kiosk:{DEVICE}"


def test_a_record_held_elsewhere_is_not_printed_here(kiosk):
    token = kiosk.session()
    answer = records(kiosk, token)
    refused = kiosk.post("/certificates", token, {"query_id": answer["query_id"],
                                                  "record_ids": [TRANSFER],
                                                  "purpose": "退休工龄认定"})
    assert refused.status_code == 403
    assert "申请跨馆调档" in refused.json["detail"] and refused.json["title"] == "无权办理"
    with kiosk.hub.application.extensions["liancha.db"].session() as session:
        assert session.scalars(select(Certificate)).all() == []


def test_a_session_cannot_read_or_use_another_persons_certificate_or_query(kiosk):
    zhang = kiosk.session()
    answer = records(kiosk, zhang)
    number = kiosk.post("/certificates", zhang, {"query_id": answer["query_id"],
                                                 "record_ids": [MARRIAGE],
                                                 "purpose": "婚姻状况证明"}).json["certificate_no"]
    kiosk.post("/sessions/finish", zhang)
    li = kiosk.session(LI)  # a party of the same marriage, yet not the holder
    hidden = kiosk.get(f"/certificates/{number}/pdf", li)
    assert hidden.status_code == 404
    assert hidden.json["detail"] == "没有找到这份证明，请核对证明编号。"
    borrowed = kiosk.post("/certificates", li, {"query_id": answer["query_id"],
                                                "record_ids": [MARRIAGE], "purpose": "x"})
    assert borrowed.status_code == 422 and "query_id" in borrowed.json["errors"]


def test_a_cross_archive_request_is_received_by_the_kiosks_archive(kiosk):
    token = kiosk.session()
    note = "自助查询机上所选档案：重庆市永川区档案馆招工档案"
    filed = kiosk.post("/requests", token, {"purpose": "退休工龄认定",
                                            "holding_archives": ["500118"],
                                            "record_types": ["employment"],
                                            "note": note})
    assert filed.status_code == 201, filed.json
    no_full_id(filed.json)
    assert filed.json["request_no"].startswith("SQ510500-")
    assert filed.json["state_label"] == "已申请，待受理" and filed.json["accept_due"]
    assert filed.json["holding_archives"] == [{"code": "500118", "name": "重庆市永川区档案馆"}]
    app = kiosk.hub.application
    with app.extensions["liancha.db"].session() as session:
        request = get_request(session, app.extensions["liancha.hub"], CLERK,
                              filed.json["request_no"])
    assert request["channel"] == "kiosk"
    assert request["subject"] == {"id_number": ZHANG_ID, "name": "张国华"}
    assert request["documents"] == [{"kind": "identity_verified",
                                     "note": f"ID card read at kiosk {DEVICE}"}]
    assert request["receiving_archive"]["code"] == "510500"


def test_calls_without_an_open_session_are_refused_in_chinese(kiosk):
    missing = kiosk.hub.post("/kiosk/api/v1/records", json={"purpose": "x"})
    assert missing.status_code == 401 and missing.mimetype == "application/problem+json"
    assert "身份证" in missing.json["detail"]
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert kiosk.post("/records", "made-up-token", {"purpose": "x"}).status_code == 401


def test_invalid_bodies_are_answered_in_chinese(kiosk):
    token = kiosk.session()
    invalid = kiosk.post("/records", token, {})
    assert invalid.status_code == 422 and invalid.json["errors"] == {"purpose": ["此项必填。"]}
    unknown_type = kiosk.post("/requests", token, {"purpose": "x", "record_types": ["tax"]})
    assert unknown_type.status_code == 422 and "record_types.0" in unknown_type.json["errors"]
    no_records = kiosk.post("/certificates", token, {"query_id": "q", "record_ids": [],
                                                     "purpose": "x"})
    assert no_records.status_code == 422


def test_calls_are_rate_limited_per_session_identity(kiosk):
    app = kiosk.hub.application
    app.extensions["liancha.budgets"] = dataclasses.replace(
        app.extensions["liancha.budgets"], person=Budget("person", 2))
    token = kiosk.session()
    assert [kiosk.get("/session", token).status_code for _ in range(3)] == [200, 200, 429]
    limited = kiosk.get("/session", token)
    assert limited.json["detail"] == "操作过于频繁，请稍候一分钟再试。"
    assert int(limited.headers["Retry-After"]) >= 1
    document = kiosk.hub.get("/kiosk/openapi.json").json
    for path, item in document["paths"].items():
        for method in set(item) & {"get", "post"}:
            assert "Retry-After" in item[method]["responses"]["429"]["headers"], (method, path)


def test_the_kiosk_api_has_its_own_openapi_document(kiosk):
    document = kiosk.hub.get("/kiosk/openapi.json")
    assert document.status_code == 200
    assert document.json["info"]["title"] == "Liancha kiosk API"
    assert {"/kiosk/api/v1/sessions", "/kiosk/api/v1/sessions/finish", "/kiosk/api/v1/records",
            "/kiosk/api/v1/certificates", "/kiosk/api/v1/certificates/{certificate_no}/pdf",
            "/kiosk/api/v1/requests"} <= set(document.json["paths"])
    assert "kioskSession" in document.json["components"]["securitySchemes"]
    assert "/api/v1/queries" not in document.json["paths"]
    assert kiosk.hub.get("/kiosk/docs").status_code == 200


def test_the_page_is_chinese_and_self_contained(kiosk):
    page = kiosk.hub.get("/kiosk/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="zh-CN">' in html
    assert "请将身份证放在读卡区" in html and "读取身份证" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from elsewhere
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("kiosk.js", "kiosk.css"):
        served = kiosk.hub.get(f"/kiosk/static/{asset}")
        assert served.status_code == 200
        assert not re.search(rb"https?://(?!127\.0\.0\.1|localhost)", served.data)
        served.close()


def test_what_may_be_the_persons_is_counted_and_one_touch_asks_a_clerk(kiosk):
    token = kiosk.session()
    answer = records(kiosk, token)
    assert answer["to_confirm"] == [
        {"archive": {"code": "500118", "name": "重庆市永川区档案馆"}, "count": 1},
        {"archive": {"code": "500116", "name": "重庆市江津区档案馆"}, "count": 1}]
    assert answer["to_confirm_notice"] == "在以下档案馆还有可能属于您的档案，需要工作人员核实"
    filed = kiosk.post("/requests", token, {"query_id": answer["query_id"]})
    assert filed.status_code == 201, filed.json
    assert filed.json["receiving_archive"]["code"] == "510500"  # the kiosk's archive
    assert {a["code"] for a in filed.json["holding_archives"]} == {"500118", "500116"}
    no_full_id(filed.json)
