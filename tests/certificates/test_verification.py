"""Verifying certificates against a real hub app and registry: the API, the phone page, the
PDF upload, the published keys, the audit record, and the page in a real headless Chromium."""

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from certificates.tokens import Keyring, verify_url
from certificates.verification import check_pdf, verify
from tests.certificates.verification.browser import CHROMIUM, rendered_dom
from tests.certificates.verification.hub import PUBLIC_URL, verifying_hub
from tests.certificates.verification.registry import add_certificate, audit_details, revoke, sign
from tests.live import serve

ALTERED_WORD = "内容被篡改或无效"


@pytest.fixture
def hub(tmp_path: Path, database_url: str, keys: dict[str, Path]) -> Iterator[Flask]:
    app = verifying_hub(tmp_path, database_url, keys)
    yield app
    app.extensions["liancha.db"].engine.dispose()


@pytest.fixture
def client(hub: Flask) -> FlaskClient:
    return hub.test_client()


@pytest.fixture
def session(hub: Flask) -> Iterator[Session]:
    opened = hub.extensions["liancha.db"].session()
    yield opened
    opened.close()


@pytest.fixture
def keyring(hub: Flask) -> Keyring:
    return hub.extensions["liancha.certificate_keys"]


def api(client: FlaskClient, **body: str) -> dict:
    answer = client.post("/api/v1/verify", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def page(client: FlaskClient, token: str) -> str:
    answer = client.get(f"/v/{token}")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert answer.headers["Cache-Control"] == "no-store"
    return answer.get_data(as_text=True)


def upload(client: FlaskClient, token: str, data: bytes | None):  # type: ignore[no-untyped-def]
    form = {"pdf": (io.BytesIO(data), "证明.pdf")} if data is not None else {}
    return client.post(f"/v/{token}/upload", data=form, content_type="multipart/form-data")


def changed(token: str, index: int) -> str:
    return token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1:]


def test_valid_via_api_and_page(client: FlaskClient, session: Session, keyring: Keyring):
    row = add_certificate(session, keyring, 123)
    answer = api(client, token=row.token)
    assert answer["status"] == "valid"
    assert answer["certificate"] == {
        "certificate_no": "510500-2026-123", "display_no": "泸档证〔2026〕第000123号",
        "archive_name": "泸州市档案馆", "holder_masked": "张*华", "issued_on": "2026-03-02",
        "kind": "records", "scope": None}  # a certificate of before scopes were stated
    assert "revoked_at" not in answer and answer["checked_at"]
    html = page(client, row.token)
    for shown in ('<h1 id="status">有效</h1>', "泸档证〔2026〕第000123号", "泸州市档案馆", "张*华",
                  "2026年3月2日", "档案查询证明", "上传PDF核对是否为原件", 'name="pdf"',
                  'enctype="multipart/form-data"', 'name="viewport"'):
        assert shown in html
    assert not re.search(r"<script|<link|<img|src=|https?://", html)  # nothing external


def test_one_character_changed_is_altered(client: FlaskClient, session: Session,
                                          keyring: Keyring):
    token = add_certificate(session, keyring, 123).token
    for index in (len(token) // 2, len(token) - 40, 20):  # payload, signature, header
        answer = api(client, token=changed(token, index))
        assert answer["status"] == "altered" and answer["certificate"] is None
        html = page(client, changed(token, index))
        assert f'<h1 id="status">{ALTERED_WORD}</h1>' in html and "000123" not in html


def test_malformed_tokens_get_a_readable_altered_page(client: FlaskClient):
    for token in ("garbage", "a.b.c", "x/y/z", "%E4%B8%AD%E6%96%87", "." * 3000):
        assert ALTERED_WORD in page(client, token)


def test_signed_tokens_the_registry_did_not_issue_are_altered(
        client: FlaskClient, session: Session, keyring: Keyring):
    assert api(client, token=sign(keyring, 999))["status"] == "altered"  # no such number
    add_certificate(session, keyring, 124)
    other = sign(keyring, 124, expires_on=date(2099, 1, 1))  # signed, but not the one issued
    assert api(client, token=other)["status"] == "altered"


def test_revoked_shows_date_and_reason(client: FlaskClient, session: Session,
                                       keyring: Keyring):
    row = add_certificate(session, keyring, 123)
    revoke(session, row, "证明内容有误<已重新出具>", datetime(2026, 3, 4, 17, 30, tzinfo=UTC))
    answer = api(client, token=row.token)
    assert answer["status"] == "revoked"
    assert answer["revoked_reason"] == "证明内容有误<已重新出具>"
    assert answer["revoked_at"].startswith("2026-03-04T17:30")
    assert answer["certificate"]["display_no"] == "泸档证〔2026〕第000123号"
    html = page(client, row.token)
    assert '<h1 id="status">已撤销</h1>' in html
    assert "证明内容有误&lt;已重新出具&gt;" in html
    assert "2026年3月5日" in html  # 17:30 UTC is the next day in Beijing


def test_rotated_keys_still_verify_and_are_published(client: FlaskClient, session: Session,
                                                     keyring: Keyring):
    old = add_certificate(session, keyring, 123)
    old_kid, new_kid = keyring.active_kid, keyring.rotate()
    new = add_certificate(session, keyring, 124)
    assert new.kid == new_kid != old_kid
    assert api(client, token=old.token)["status"] == "valid"
    assert api(client, token=new.token)["status"] == "valid"
    jwks = client.get("/.well-known/jwks.json")
    assert {key["kid"]: key["status"] for key in jwks.get_json()["keys"]} == {
        old_kid: "retired", new_kid: "active"}
    assert "max-age=300" in jwks.headers["Cache-Control"]


def test_token_of_another_keyring_is_unknown_key(client: FlaskClient, tmp_path: Path):
    stranger = Keyring.create(tmp_path / "stranger-keys")
    answer = api(client, token=sign(stranger, 123))
    assert answer["status"] == "unknown_key" and answer["certificate"] is None
    assert '<h1 id="status">签发密钥未知</h1>' in page(client, sign(stranger, 123))


def test_expired(client: FlaskClient, session: Session, keyring: Keyring):
    last_day = date.today() - timedelta(days=1)
    row = add_certificate(session, keyring, 125, expires_on=last_day)
    answer = api(client, token=row.token)
    assert answer["status"] == "expired" and answer["expires_on"] == last_day.isoformat()
    assert '<h1 id="status">已过期</h1>' in page(client, row.token)
    revoke(session, row, "撤销", datetime.now(UTC))  # revoked says more than expired
    assert api(client, token=row.token)["status"] == "revoked"


def test_service_expiry_is_checked_against_today(hub: Flask, session: Session,
                                                 keyring: Keyring):
    row = add_certificate(session, keyring, 126, expires_on=date(2026, 6, 30))
    assert verify(session, keyring, row.token, "api", date(2026, 6, 30)).status == "valid"
    assert verify(session, keyring, row.token, "api", date(2026, 7, 1)).status == "expired"
    with pytest.raises(ValueError):
        verify(session, keyring, row.token, "fax")


def test_url_form_and_bad_input(client: FlaskClient, session: Session, keyring: Keyring):
    row = add_certificate(session, keyring, 123)
    assert api(client, url=verify_url(PUBLIC_URL, row.token))["status"] == "valid"
    assert api(client, url=verify_url(PUBLIC_URL, row.token) + "?from=qr")["status"] == "valid"
    for body in ({"url": "https://liancha.example.cn/help"}, {},
                 {"token": row.token, "url": verify_url(PUBLIC_URL, row.token)}, {"token": ""}):
        answer = client.post("/api/v1/verify", json=body)
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
        assert answer.get_json()["errors"]
    assert "url" in client.post("/api/v1/verify", json={"url": "x"}).get_json()["errors"]


def test_upload_exact_copy_or_not_issued(client: FlaskClient, session: Session,
                                         keyring: Keyring):
    row = add_certificate(session, keyring, 123, pdf=b"%PDF-1.7 the one issued")
    other = add_certificate(session, keyring, 124)
    exact = upload(client, row.token, b"%PDF-1.7 the one issued")
    assert exact.status_code == 200
    html = exact.get_data(as_text=True)
    assert '<h1 id="status">完全一致</h1>' in html and "泸档证〔2026〕第000123号" in html
    assert "另一份证明" not in html
    not_issued = upload(client, row.token, b"%PDF-1.7 the one issued ")
    assert '<h1 id="status">不是本平台出具的原件</h1>' in not_issued.get_data(as_text=True)
    assert re.search(r"核验时间：\d{4}年\d+月\d+日 \d\d:\d\d", not_issued.get_data(as_text=True))
    assert "另一份证明" in upload(client, row.token, other.pdf).get_data(as_text=True)
    revoke(session, row, "已重新出具", datetime(2026, 3, 4, tzinfo=UTC))
    html = upload(client, row.token, row.pdf).get_data(as_text=True)
    assert "完全一致" in html and "已撤销" in html and "已重新出具" in html
    empty = upload(client, row.token, None)
    assert empty.status_code == 400 and "未能核对" in empty.get_data(as_text=True)
    for token in ("garbage", "x/y"):
        assert "不是本平台出具的原件" in upload(client, token, b"x").get_data(as_text=True)
    assert client.get(f"/v/{row.token}/upload").status_code == 302


def test_check_pdf_service(hub: Flask, session: Session, keyring: Keyring):
    row = add_certificate(session, keyring, 123)
    found = check_pdf(session, row.pdf)
    assert found.exact and found.verification and found.verification.status == "valid"
    assert check_pdf(session, b"other").match == "not_issued"


def test_every_verification_is_audited(client: FlaskClient, session: Session,
                                       keyring: Keyring):
    row = add_certificate(session, keyring, 123)
    api(client, token=row.token)
    api(client, url=verify_url(PUBLIC_URL, changed(row.token, len(row.token) - 40)))
    page(client, row.token)
    page(client, "garbage")
    upload(client, row.token, row.pdf)
    upload(client, row.token, b"not ours")
    assert [(target, detail["via"], detail["status"]) for target, detail in
            audit_details(session)] == [
        ("510500-2026-123", "api", "valid"), ("510500-2026-123", "api", "altered"),
        ("510500-2026-123", "page", "valid"), ("unknown", "page", "altered"),
        ("510500-2026-123", "upload", "valid"), ("unknown", "upload", None)]
    assert [detail.get("pdf") for _, detail in audit_details(session)][-2:] == [
        "exact", "not_issued"]


def test_openapi_documents_the_machine_routes(client: FlaskClient):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/verify"] and "get" in paths["/.well-known/jwks.json"]


@pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")
def test_page_in_headless_chromium(hub: Flask, session: Session, keyring: Keyring,
                                   tmp_path: Path):
    row = add_certificate(session, keyring, 123)
    with serve(hub) as url:
        dom = rendered_dom(f"{url}/v/{row.token}", tmp_path / "profile")
    assert re.search(r'<h1 id="status">\s*有效\s*</h1>', dom), dom[:2000]
    assert "泸档证〔2026〕第000123号" in dom and "上传PDF核对是否为原件" in dom


def test_an_independent_cose_implementation_verifies_a_real_token(
        client: FlaskClient, session: Session, keyring: Keyring):
    """pycose, not our code, checks the signature against the keys the hub publishes."""
    from base64 import b32decode, urlsafe_b64decode

    from pycose.keys import OKPKey
    from pycose.keys.curves import Ed25519
    from pycose.messages import Sign1Message

    token = add_certificate(session, keyring, 123).token
    message = Sign1Message.decode(b32decode(token + "=" * (-len(token) % 8)))
    jwks = client.get("/.well-known/jwks.json").get_json()["keys"]
    kid = message.phdr[next(k for k in message.phdr if getattr(k, "identifier", k) == 4)]
    (jwk,) = [k for k in jwks if k["kid"].startswith(kid.decode())]
    message.key = OKPKey(crv=Ed25519, x=urlsafe_b64decode(jwk["x"] + "=="))
    assert message.verify_signature()
    tampered = Sign1Message.decode(b32decode(token + "=" * (-len(token) % 8)))
    tampered.payload = tampered.payload[:-1] + bytes([tampered.payload[-1] ^ 1])
    tampered.key = message.key
    assert not tampered.verify_signature()


def test_a_number_and_its_verification_code_find_the_certificate(
        client: FlaskClient, session: Session, keyring: Keyring):
    """For a phone that cannot scan: the number as printed (any brackets) or compact, and
    the code as typed (any case, spaces, dashes)."""
    row = add_certificate(session, keyring, 123, verify_code="7KQ4M9PX")
    for number, code in (("510500-2026-123", "7KQ4M9PX"), ("泸档证(2026)第000123号", "7kq4 m9px"),
                         (" 泸档证〔2026〕第000123号 ", "7KQ4-M9PX")):
        answer = api(client, certificate_no=number, code=code)
        assert answer["status"] == "valid", (number, code)
        assert answer["certificate"]["display_no"] == "泸档证〔2026〕第000123号"
    for number, code in (("510500-2026-123", "7KQ4M9PY"), ("510500-2026-124", "7KQ4M9PX"),
                         ("510500-2026-123", "")):
        if code:
            answer = api(client, certificate_no=number, code=code)
            assert answer == {"status": "not_found", "certificate": None,
                              "checked_at": answer["checked_at"]}
    assert client.post("/api/v1/verify", json={"certificate_no": "510500-2026-123"}
                       ).status_code == 422
    form = client.get("/v").get_data(as_text=True)
    assert 'name="certificate_no"' in form and 'name="code"' in form and "二维码下方" in form
    found = client.post("/v", data={"certificate_no": "510500-2026-123", "code": "7kq4m9px"})
    html = found.get_data(as_text=True)
    assert '<h1 id="status">有效</h1>' in html and "泸档证〔2026〕第000123号" in html
    assert f'action="/v/{row.token}/upload"' in html  # its PDF can be checked from here
    missing = client.post("/v", data={"certificate_no": "510500-2026-123", "code": "22222222"})
    assert '<h1 id="status">未找到此证明</h1>' in missing.get_data(as_text=True)
    assert [d["status"] for _, d in audit_details(session)][-2:] == ["valid", "not_found"]


def test_the_page_says_where_each_detail_is_on_the_paper(client: FlaskClient,
                                                          session: Session, keyring: Keyring):
    html = page(client, add_certificate(session, keyring, 123).token)
    for pointer in ("证明编号（证明右上角及每页页脚）", "出具单位（落款处，盖章下）",
                    "持证人（“申请人”一行）", "查询范围（正文“经……查询”一句）"):
        assert pointer in html


def test_the_qr_codes_upper_case_address_opens_the_page(client: FlaskClient,
                                                         session: Session, keyring: Keyring):
    token = add_certificate(session, keyring, 123).token
    assert '<h1 id="status">有效</h1>' in client.get(f"/V/{token}").get_data(as_text=True)
    answer = api(client, url=f"{PUBLIC_URL.upper()}/V/{token}")
    assert answer["status"] == "valid"
