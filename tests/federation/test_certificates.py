"""Issuing certificates from queries: numbers, PDFs that say what was found, revocation."""

import io
from datetime import UTC, datetime

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from certificates.models import AuditEvent
from certificates.tokens import VALID, keys_from_jwks, token_from_url, verify_token
from tests.federation.test_queries import SUBJECT

YEAR = datetime.now(UTC).year


def issue(federation, body: dict, token: str | None = None):  # type: ignore[no-untyped-def]
    return federation.hub.post("/api/v1/certificates", json=body,
                               headers={"Authorization": f"Bearer {token or federation.token()}"})


def get(federation, path: str, token: str | None = None):  # type: ignore[no-untyped-def]
    return federation.hub.get(path, headers={"Authorization":
                                             f"Bearer {token or federation.token()}"})


def subject_records(answer: dict) -> list[str]:
    person = next(p for p in answer["persons"] if p["is_subject"])
    return [r["record_id"] for r in person["records"]]


def test_a_certificate_lists_the_records_and_its_qr_verifies(federation):
    answer = federation.query({"subject": SUBJECT, "purpose": "工龄认定"}).json
    response = issue(federation, {"query_id": answer["query_id"], "purpose": "工龄认定",
                                  "record_ids": subject_records(answer)})
    assert response.status_code == 201, response.json
    certificate = response.json
    assert certificate["certificate_no"] == f"510500-{YEAR}-1"
    assert certificate["display_no"] == f"泸档证〔{YEAR}〕第000001号"
    assert certificate["kind"] == "records" and certificate["status"] == "valid"

    pdf = get(federation, f"/api/v1/certificates/{certificate['certificate_no']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in (certificate["display_no"], "档案查询证明", "泸州市档案馆",
                     "重庆市江津区档案馆", "0012-003-0045", "工龄认定"):
        assert expected in text, expected

    document = pypdfium2.PdfDocument(pdf.data)
    page = document[len(document) - 1]  # the seal and the QR close the last page
    image = page.render(scale=200 / 72).to_pil()
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert decoded == [certificate["verify_url"]]
    jwks = federation.hub.application.extensions["liancha.certificate_keys"].jwks()
    check = verify_token(token_from_url(decoded[0]), keys_from_jwks(jwks))
    assert check.status == VALID

    def verified(url: str) -> str:
        return federation.hub.post("/api/v1/verify", json={"url": url}).json["status"]

    assert verified(decoded[0]) == "valid"
    token = token_from_url(decoded[0])
    flipped = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    assert verified(decoded[0].replace(token, flipped)) == "altered"
    federation.hub.post(f"/api/v1/certificates/{certificate['certificate_no']}/revoke",
                        json={"reason": "申请人撤回"},
                        headers={"Authorization": f"Bearer {federation.token()}"})
    assert verified(decoded[0]) == "revoked"
    page = federation.hub.get(f"/v/{token}")
    assert page.status_code == 200 and "已撤销" in page.get_data(as_text=True)


def test_numbers_are_sequential_per_archive_and_never_reused(federation):
    answer = federation.query({"subject": SUBJECT, "purpose": "x"}).json
    body = {"query_id": answer["query_id"], "purpose": "婚姻证明",
            "record_ids": ["510500/marriage/LZ-M-1988"]}
    first = issue(federation, body).json["certificate_no"]
    revoked = federation.hub.post(f"/api/v1/certificates/{first}/revoke",
                                  json={"reason": "持证人姓名有误"},
                                  headers={"Authorization": f"Bearer {federation.token()}"})
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert revoked.json["revoked_reason"] == "持证人姓名有误"
    second = issue(federation, body).json["certificate_no"]
    assert [int(n.rsplit("-", 1)[1]) for n in (first, second)] == [1, 2]
    other_clerk = federation.token("clerk", archive="500118")
    answer_y = federation.query({"subject": SUBJECT, "purpose": "x"}, other_clerk).json
    yongchuan = issue(federation, {**body, "query_id": answer_y["query_id"]}, other_clerk)
    assert yongchuan.json["certificate_no"] == f"500118-{YEAR}-1"
    assert yongchuan.json["display_no"].startswith("永档证")
    refused = federation.hub.post(f"/api/v1/certificates/{second}/revoke",
                                  json={"reason": "x"},
                                  headers={"Authorization": f"Bearer {other_clerk}"})
    assert refused.status_code in (403, 404)
    with federation.hub.application.extensions["liancha.db"].session() as session:
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions.count("certificate.issued") == 3 and "certificate.revoked" in actions


def test_a_no_record_certificate_is_not_issued_outside_a_request(federation):
    """The attack of issue 13: a narrow query (one record type, or a window that holds
    nothing) answered "complete, nothing found" and became a no-record certificate saying
    nothing was found anywhere. The direct path issues records only."""
    narrow = federation.query({"subject": SUBJECT, "record_types": ["forestry_right"],
                               "purpose": "x"}).json
    assert narrow["complete"] is True and not narrow["records"]
    refused = issue(federation, {"query_id": narrow["query_id"], "purpose": "无档案证明"})
    assert refused.status_code == 422
    assert "complete" in refused.json["errors"]["record_ids"][0]
    empty = issue(federation, {"query_id": narrow["query_id"], "purpose": "x",
                               "record_ids": []})
    assert empty.status_code == 422 and "record_ids" in empty.json["errors"]


def test_a_window_that_holds_nothing_is_refused_at_query_time(federation):
    for window in ({"event_date_from": "1990", "event_date_to": "1980"},
                   {"event_date_from": "1985-06-02", "event_date_to": "1985-06-01"},
                   {"event_date_from": "2090"}):
        answer = federation.query({"subject": SUBJECT, "purpose": "x", **window})
        assert answer.status_code == 422, window
        assert answer.mimetype == "application/problem+json"
        assert set(answer.json["errors"]) <= {"event_date_from", "event_date_to"}
    same_month = federation.query({"subject": SUBJECT, "purpose": "x",
                                   "event_date_from": "1988-06", "event_date_to": "1988-06"})
    assert same_month.status_code == 200  # a window of one month holds that month


def test_wrong_records_roles_and_queries_are_refused(federation):
    answer = federation.query({"subject": SUBJECT, "purpose": "x"}).json
    unknown = issue(federation, {"query_id": answer["query_id"], "purpose": "x",
                                 "record_ids": ["510500/marriage/NOPE"]})
    assert unknown.status_code == 422 and "record_ids" in unknown.json["errors"]
    citizen = federation.token("citizen", id_number=SUBJECT["id_number"], name="张国华")
    assert issue(federation, {"query_id": answer["query_id"], "purpose": "x",
                              "record_ids": ["510500/marriage/LZ-M-1988"]},
                 citizen).status_code == 403
    missing = issue(federation, {"query_id": "0" * 32, "purpose": "x",
                                 "record_ids": ["510500/marriage/LZ-M-1988"]})
    assert missing.status_code == 422 and "query_id" in missing.json["errors"]
    assert get(federation, "/api/v1/certificates/510500-2026-999").status_code == 404
