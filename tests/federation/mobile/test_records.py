"""My records and my certificates: a citizen queries about themselves, certifies one
archive's records, lists and downloads them; nobody else sees any of it."""

import io

from pypdf import PdfReader

from tests.federation.mobile.conftest import EMPLOYMENT, MARRIAGE


def test_a_citizen_queries_their_own_records_from_the_token(zhang, other_zhang):
    answer = zhang.post("/queries", {"purpose": "退休工龄认定"})
    assert answer.status_code == 200, answer.json
    records = {r["record_id"] for r in answer.json["records"]}
    # only records surely his: the Yongchuan one carries no id number, and the other
    # 张国华's is not his at all
    assert records == {MARRIAGE}
    assert [n["status"] for n in answer.json["nodes"]] == ["ok", "ok", "ok"]

    again = zhang.get(f"/queries/{answer.json['query_id']}")
    assert again.status_code == 200 and again.json == answer.json

    theirs = other_zhang.post("/queries", {"purpose": "x", "record_types": ["employment"]})
    assert {r["record_id"] for r in theirs.json["records"]} == {"500118/employment/YC-E-OTHER"}
    for query_id in (answer.json["query_id"], "0" * 32):  # not his, not there: one answer
        hidden = other_zhang.get(f"/queries/{query_id}")
        assert hidden.status_code == 404
        assert hidden.json["title"] == "未找到"
        assert hidden.json["detail"] == "没有找到这次查询，请重新查询。"


def test_a_query_can_be_narrowed_by_record_type_and_date(zhang):
    answer = zhang.post("/queries", {"purpose": "婚姻证明", "record_types": ["marriage"],
                                     "event_date_from": "1980", "event_date_to": "1990-12"})
    assert answer.status_code == 200, answer.json
    assert [r["record_id"] for r in answer.json["records"]] == [MARRIAGE]


def test_a_citizen_certifies_a_record_and_downloads_the_pdf(zhang, other_zhang):
    query = zhang.post("/queries", {"purpose": "婚姻证明"}).json
    issued = zhang.post("/certificates", {"query_id": query["query_id"],
                                          "record_ids": [MARRIAGE], "purpose": "婚姻证明"})
    assert issued.status_code == 201, issued.json
    certificate = issued.json
    number = certificate["certificate_no"]
    assert number.startswith("510500-") and certificate["archive_name"] == "泸州市档案馆"
    assert certificate["kind"] == "records" and certificate["status"] == "valid"
    assert certificate["holder_masked"] == "张*华" and "query_id" not in certificate
    assert [r["record_id"] for r in certificate["records"]] == [MARRIAGE]
    assert certificate["records"][0]["file_no"] == "0012-003-0045"
    assert certificate["pdf_url"].endswith(f"/mobile/api/v1/certificates/{number}/pdf")
    assert "/V/" in certificate["verify_url"]

    assert [c["certificate_no"] for c in zhang.get("/certificates").json] == [number]
    assert zhang.get(f"/certificates/{number}").json == certificate
    pdf = zhang.get(f"/certificates/{number}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("泸州市档案馆", certificate["display_no"], "0012-003-0045", "婚姻证明"):
        assert expected in text, expected

    assert other_zhang.get("/certificates").json == []
    for path in (f"/certificates/{number}", f"/certificates/{number}/pdf",
                 "/certificates/510500-2026-999"):
        hidden = other_zhang.get(path)
        assert hidden.status_code == 404 and hidden.mimetype == "application/problem+json"
        assert hidden.json["detail"] == "没有找到这份证明，请核对证明编号。"


def test_only_records_shown_to_the_citizen_are_certified(zhang, other_zhang):
    query = zhang.post("/queries", {"purpose": "工龄认定"}).json
    # the Yongchuan record may be his, but only a clerk's search can say so
    unsure = zhang.post("/certificates", {"query_id": query["query_id"], "purpose": "工龄认定",
                                          "record_ids": [MARRIAGE, EMPLOYMENT]})
    assert unsure.status_code == 422 and unsure.json["title"] == "信息有误"
    assert unsure.json["errors"]["record_ids"] == [
        "所选记录须是这次查询结果中您本人的记录，且由同一家档案馆保存；"
        "不同档案馆保存的记录请分别申请证明。"]

    # another person's query is not one to certify from
    theirs = other_zhang.post("/certificates", {"query_id": query["query_id"],
                                                "purpose": "x", "record_ids": [MARRIAGE]})
    assert theirs.status_code == 422
    assert theirs.json["errors"]["query_id"] == [
        "没有找到这次查询，请先查询您的档案，再从查询结果中申请证明。"]
    own = other_zhang.post("/queries", {"purpose": "x"}).json
    not_his = other_zhang.post("/certificates", {"query_id": own["query_id"], "purpose": "x",
                                                 "record_ids": [MARRIAGE]})
    assert not_his.status_code == 422 and "record_ids" in not_his.json["errors"]
    assert other_zhang.get("/certificates").json == []
    assert zhang.get("/certificates").json == []


def test_a_spouse_sees_the_marriage_but_not_the_other_partys_certificate(zhang, li):
    query = zhang.post("/queries", {"purpose": "婚姻证明"}).json
    number = zhang.post("/certificates", {"query_id": query["query_id"], "purpose": "婚姻证明",
                                          "record_ids": [MARRIAGE]}).json["certificate_no"]
    hers = li.post("/queries", {"purpose": "婚姻证明", "record_types": ["marriage"]}).json
    assert [r["record_id"] for r in hers["records"]] == [MARRIAGE]
    assert li.get(f"/certificates/{number}").status_code == 404
    assert li.get("/certificates").json == []
