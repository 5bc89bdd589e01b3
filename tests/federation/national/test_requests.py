"""Submitting through the national API: idempotent under one Idempotency-Key (also when
two arrive at once), readable only by the client that submitted it, and followed through
the clerks' steps to a result and its certificate PDF."""

import threading

import requests
from sqlalchemy import func, select

from casework.models import CaseRequest
from casework.transitions import (
    accept_request,
    assist_request,
    complete_request,
    refuse_request,
    search_for_request,
)
from federation.audit import AuditEvent
from tests.federation.national.conftest import (
    API,
    JIANGJIN,
    LUZHOU,
    SUBMISSION,
    YONGCHUAN,
    platform_on,
)
from tests.live import serve


def _count(platform) -> int:  # type: ignore[no-untyped-def]
    session = platform.session()
    try:
        return session.scalar(select(func.count()).select_from(CaseRequest))
    finally:
        session.close()


def test_a_resubmission_with_the_same_key_returns_the_original(platform):
    token = platform.token()
    first = platform.submit(key="order-7", token=token)
    assert first.status_code == 201, first.get_json()
    filed = first.get_json()
    assert filed["channel"] == "national" and filed["state"] == "applied"
    assert filed["client_id"] == platform.client_id and filed["idempotency_key"] == "order-7"
    assert filed["receiving_archive"]["code"] == "510500"

    again = platform.submit(key="order-7", token=token)
    assert again.status_code == 200
    assert again.get_json() == filed
    assert _count(platform) == 1
    # a new key is a new request
    other = platform.submit(key="order-8", token=token)
    assert other.status_code == 201
    assert other.get_json()["request_no"] != filed["request_no"]
    assert _count(platform) == 2


def test_the_same_key_with_a_different_submission_is_422(platform):
    token = platform.token()
    assert platform.submit(key="k", token=token).status_code == 201
    changed = {**SUBMISSION, "purpose": "继承公证"}
    answer = platform.submit(changed, key="k", token=token)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "different payload" in answer.get_json()["detail"]
    assert _count(platform) == 1
    # any field counts, not only those that identify a request
    noted = {**SUBMISSION, "note": "加急"}
    assert platform.submit(noted, key="k", token=token).status_code == 422
    assert platform.submit(key="k", token=token).status_code == 200  # the same: a replay


def test_two_concurrent_submissions_with_one_key_file_one_request(platform):
    token = platform.token()
    answers: list[requests.Response] = []
    with serve(platform.app) as base:
        start = threading.Barrier(2)

        def post() -> None:
            start.wait()
            answers.append(requests.post(
                f"{base}{API}/requests", json=SUBMISSION, timeout=30,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "same"}))

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sorted(a.status_code for a in answers) == [200, 201], [a.text for a in answers]
    assert len({a.json()["request_no"] for a in answers}) == 1
    assert _count(platform) == 1


def test_a_submission_without_idempotency_key_is_422(platform):
    for key in (None, ""):
        answer = platform.submit(key=key)
        assert answer.status_code == 422
        assert "Idempotency-Key" in answer.get_json()["errors"]
    assert platform.submit(key="x" * 201).status_code == 422
    assert _count(platform) == 0


def test_invalid_submissions_are_422_problems(platform):
    token = platform.token()
    missing = {k: v for k, v in SUBMISSION.items() if k != "receiving_archive"}
    answer = platform.submit(missing, key="a", token=token)
    assert answer.status_code == 422 and "receiving_archive" in answer.get_json()["errors"]
    unknown = {**SUBMISSION, "receiving_archive": "999999"}
    assert platform.submit(unknown, key="b", token=token).status_code == 422
    bad_url = {**SUBMISSION, "callback_url": "ftp://platform.example/cb"}
    assert platform.submit(bad_url, key="c", token=token).status_code == 422
    assert _count(platform) == 0


def test_a_submissions_documents_have_a_count_and_a_size(platform):
    token = platform.token()
    many = {**SUBMISSION, "documents": [{"kind": "id_card", "number": str(n)}
                                        for n in range(21)]}
    answer = platform.submit(many, key="many", token=token)
    assert answer.status_code == 422 and "documents" in answer.get_json()["errors"]
    long_note = {**SUBMISSION, "documents": [{"kind": "letter", "note": "字" * 501}]}
    assert platform.submit(long_note, key="long", token=token).status_code == 422
    assert _count(platform) == 0
    twenty = {**SUBMISSION, "documents": many["documents"][:20]}
    assert platform.submit(twenty, key="twenty", token=token).status_code == 201


def test_another_client_cannot_read_it_and_others_cannot_use_this_api(platform, tmp_path):
    number = platform.submit().get_json()["request_no"]
    other = platform_on(platform.app, tmp_path, "provincial-platform")
    token = other.token()
    for path in (f"/requests/{number}", f"/requests/{number}/result",
                 f"/requests/{number}/certificates/510500-2026-1/pdf"):
        answer = other.get(path, token)
        assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    # same key, other client: its own new request
    assert other.submit(key="key-1", token=token).status_code == 201
    for foreign in (platform.clerk_token(), platform.citizen_token()):
        assert platform.get(f"/requests/{number}", foreign).status_code == 403
        assert platform.submit(key="z", token=foreign).status_code == 403
    assert platform.hub.get(f"{API}/requests/{number}").status_code == 401


def test_the_full_flow_to_a_result_and_its_pdf(platform):
    token = platform.token()
    number = platform.submit(token=token).get_json()["request_no"]
    result = platform.get(f"/requests/{number}/result", token).get_json()
    assert result == {"request_no": number, "state": "applied", "final": False,
                      "closed_at": None, "refusal_reason": None, "certificates": []}

    with platform.app.app_context():
        session = platform.session()
        settings = platform.settings
        keyring = platform.app.extensions["liancha.certificate_keys"]
        fanout = platform.app.extensions["liancha.fanout"]
        accept_request(session, settings, settings.calendar, LUZHOU, number)
        answer = search_for_request(session, settings, fanout, YONGCHUAN, number)
        found = [r["record_id"] for r in answer["records"]
                 if r["record_id"].endswith("YC-E-1978")]
        assist_request(session, settings, keyring, YONGCHUAN, number,
                       {"outcome": "found", "query_id": answer["query_id"],
                        "record_ids": found})
        assist_request(session, settings, keyring, JIANGJIN, number, {"outcome": "not_found"})
        complete_request(session, settings, keyring, LUZHOU, number, {"note": "已办结"})
        session.close()

    status = platform.get(f"/requests/{number}", token).get_json()
    assert status["state"] == "completed"
    assert [e["action"] for e in status["events"]] == ["apply", "accept", "assist", "assist",
                                                       "complete"]
    result = platform.get(f"/requests/{number}/result", token).get_json()
    assert result["state"] == "completed" and result["final"] and result["closed_at"]
    [certificate] = result["certificates"]
    assert certificate["certificate_no"] == status["certificate_nos"][0]
    assert certificate["issuing_archive"] == {"code": "500118", "name": "重庆市永川区档案馆"}
    assert certificate["kind"] == "records" and certificate["status"] == "valid"
    assert certificate["verify_url"].startswith("HTTPS://HUB.EXAMPLE.ORG/V/")
    assert certificate["pdf_url"] == (f"https://hub.example.org{API}/requests/{number}"
                                      f"/certificates/{certificate['certificate_no']}/pdf")

    pdf = platform.get(certificate["pdf_url"].removeprefix(f"https://hub.example.org{API}"),
                       token)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    # a certificate the request does not list is not served, even one that exists
    assert platform.get(f"/requests/{number}/certificates/500118-2026-999/pdf",
                        token).status_code == 404
    session = platform.session()
    fetched = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "certificate.fetched")).all()
    assert [(e.actor, e.target) for e in fetched] == [
        (f"national:{platform.client_id}", certificate["certificate_no"])]
    session.close()


def test_a_refused_request_shows_its_reason(platform):
    token = platform.token()
    number = platform.submit(token=token).get_json()["request_no"]
    with platform.app.app_context():
        session = platform.session()
        refuse_request(session, platform.settings, LUZHOU, number, "授权委托书不完整")
        session.close()
    result = platform.get(f"/requests/{number}/result", token).get_json()
    assert result["state"] == "refused" and result["final"]
    assert result["refusal_reason"] == "授权委托书不完整" and result["certificates"] == []
