"""The workbench pages through Flask's test client: login, the queue, a request's detail
and its steps with CSRF tokens, the counter form, and errors shown in Chinese."""

import re

import pytest

from tests.federation.workbench.conftest import COUNTER, PASSWORD, bearer, login
from tests.federation.workbench.test_api import NOBODY

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def browser(hub, clerks):  # type: ignore[no-untyped-def]
    return hub.test_client()


def sign_in(client, username: str, archive: str | None = None):  # type: ignore[no-untyped-def]
    form = client.get("/workbench/login").get_data(as_text=True)
    fields = {"csrf": CSRF.search(form).group(1), "username": username, "password": PASSWORD}
    if archive:
        fields["archive"] = archive
    return client.post("/workbench/login", data=fields)


def csrf_of(page) -> str:  # type: ignore[no-untyped-def]
    return CSRF.search(page.get_data(as_text=True)).group(1)


def file_request(client, body: dict | None = None) -> str:  # type: ignore[no-untyped-def]
    api = client.application.test_client()  # its own cookies: the API takes bearer tokens
    filed = api.post("/clerk/api/v1/requests", json=body or COUNTER,
                     headers=bearer(login(api, "wang")))
    return filed.json["request_no"]


def test_login_sets_a_strict_http_only_cookie_and_logout_clears_it(browser):
    assert browser.get("/workbench/").headers["Location"].endswith("/workbench/login")
    failed = sign_in(browser, "wang-typo")
    assert failed.status_code == 401 and "用户名或密码错误" in failed.get_data(as_text=True)
    signed = sign_in(browser, "wang")
    assert signed.status_code == 303 and signed.headers["Location"].endswith("/workbench/")
    cookie = next(c for c in signed.headers.getlist("Set-Cookie")
                  if c.startswith("liancha_clerk="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/workbench" in cookie
    queue = browser.get("/workbench/")
    assert queue.status_code == 200 and "王芳" in queue.get_data(as_text=True)
    assert queue.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in queue.headers["Content-Security-Policy"]

    logged_out = browser.post("/workbench/logout", data={"csrf": csrf_of(queue)})
    assert logged_out.status_code == 303
    assert any(c.startswith("liancha_clerk=;") for c in logged_out.headers.getlist("Set-Cookie"))
    assert browser.get("/workbench/").status_code == 303


def test_a_login_without_its_csrf_token_is_refused(browser):
    refused = browser.post("/workbench/login", data={"username": "wang", "password": PASSWORD})
    assert refused.status_code == 400 and "页面已过期" in refused.get_data(as_text=True)


def test_a_clerk_of_two_archives_chooses_on_the_login_page(browser):
    asked = sign_in(browser, "sun")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and "请选择本次工作的档案馆" in html
    assert 'value="500118"' in html and 'value="510500"' in html
    assert sign_in(browser, "sun", "500118").status_code == 303
    assert "重庆市永川区档案馆" in browser.get("/workbench/").get_data(as_text=True)


def test_queue_detail_and_acceptance(browser):
    number = file_request(browser)
    sign_in(browser, "wang")
    queue = browser.get("/workbench/").get_data(as_text=True)
    assert number in queue and "本馆受理的申请" in queue and "已申请，待受理" in queue

    detail = browser.get(f"/workbench/requests/{number}")
    html = detail.get_data(as_text=True)
    for shown in ("张国华", "张小华", "子女", "授权委托书", "2026-11-20 签署", "重庆市永川区档案馆",
                  "重庆市江津区档案馆", "查找中", "泸州市档案馆 受理人员 王芳", "受理（2个工作日）",
                  "不予受理"):
        assert shown in html, shown
    assert "clerk:" not in html
    assert 'value="受理"' not in html and ">受理</button>" in html

    no_csrf = browser.post(f"/workbench/requests/{number}/accept", data={})
    assert no_csrf.status_code == 400 and "页面已过期" in no_csrf.get_data(as_text=True)
    wrong = browser.post(f"/workbench/requests/{number}/accept", data={"csrf": "guess"})
    assert wrong.status_code == 400

    no_reason = browser.post(f"/workbench/requests/{number}/refuse",
                             data={"csrf": csrf_of(detail), "reason": "  "})
    page = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422 and "请填写理由" in page
    assert "已申请，待受理" in page  # nothing happened

    accepted = browser.post(f"/workbench/requests/{number}/accept",
                            data={"csrf": csrf_of(detail), "reason": "材料齐全"})
    assert accepted.status_code == 303 and "done=accept" in accepted.headers["Location"]
    after = browser.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "已受理，协办中" in after and "材料齐全" in after and "已受理。" in after
    again = browser.post(f"/workbench/requests/{number}/accept", data={"csrf": csrf_of(detail)})
    assert again.status_code == 409 and "不能办理此项操作" in again.get_data(as_text=True)


def test_holding_clerks_search_and_answer_then_the_receiving_clerk_completes(browser, hub):
    number = file_request(browser, {**COUNTER, "subject": NOBODY})
    sign_in(browser, "wang")
    detail = browser.get(f"/workbench/requests/{number}")
    browser.post(f"/workbench/requests/{number}/accept", data={"csrf": csrf_of(detail)})

    for username in ("chen", "liu"):
        clerk = hub.test_client()
        sign_in(clerk, username)
        own = clerk.get(f"/workbench/requests/{number}")
        assert "检索本馆" in own.get_data(as_text=True)
        assert ">受理</button>" not in own.get_data(as_text=True)
        searched = clerk.post(f"/workbench/requests/{number}/search",
                              data={"csrf": csrf_of(own)})
        assert searched.status_code == 303 and "query=" in searched.headers["Location"]
        results = clerk.get(searched.headers["Location"]).get_data(as_text=True)
        assert "检索结果" in results and "协办：未查到" in results
        query_id = re.search(r'name="query_id" value="([0-9a-f]+)"', results).group(1)
        found_nothing = clerk.post(f"/workbench/requests/{number}/assist", data={
            "csrf": csrf_of(own), "outcome": "found", "query_id": query_id})
        assert found_nothing.status_code == 422  # found, but no record checked
        assert "请勾选本馆查到的档案" in found_nothing.get_data(as_text=True)
        answered = clerk.post(f"/workbench/requests/{number}/assist", data={
            "csrf": csrf_of(own), "outcome": "not_found", "query_id": query_id})
        assert answered.status_code == 303

    ready = browser.get(f"/workbench/requests/{number}").get_data(as_text=True)
    assert "检索全部" in ready and "未查到" in ready
    searched = browser.post(f"/workbench/requests/{number}/search",
                            data={"csrf": csrf_of(detail)})
    results = browser.get(searched.headers["Location"]).get_data(as_text=True)
    query_id = re.search(r'name="query_id" value="([0-9a-f]+)"', results).group(1)
    done = browser.post(f"/workbench/requests/{number}/complete", data={
        "csrf": csrf_of(detail), "query_id": query_id, "note": "窗口领取"})
    assert done.status_code == 303
    closed = browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "已办结" in closed and "510500-" in closed and "窗口领取" in closed


def test_a_holding_clerk_certifies_the_records_checked(browser, hub):
    number = file_request(browser)
    sign_in(browser, "wang")
    detail = browser.get(f"/workbench/requests/{number}")
    browser.post(f"/workbench/requests/{number}/accept", data={"csrf": csrf_of(detail)})
    chen = hub.test_client()
    sign_in(chen, "chen")
    own = chen.get(f"/workbench/requests/{number}")
    searched = chen.post(f"/workbench/requests/{number}/search", data={"csrf": csrf_of(own)})
    results = chen.get(searched.headers["Location"]).get_data(as_text=True)
    boxes = re.findall(r'name="record_ids" value="([^"]+)"', results)
    assert "500118/employment/YC-E-1978" in boxes
    assert all(box.startswith("500118/") for box in boxes)  # only its own records
    query_id = re.search(r'name="query_id" value="([0-9a-f]+)"', results).group(1)
    found = chen.post(f"/workbench/requests/{number}/assist", data={
        "csrf": csrf_of(own), "outcome": "found", "query_id": query_id,
        "record_ids": ["500118/employment/YC-E-1978"]})
    assert found.status_code == 303
    assert "500118-" in chen.get(found.headers["Location"]).get_data(as_text=True)


def test_the_counter_form_files_a_request_with_its_documents(browser):
    sign_in(browser, "wang")
    form = browser.get("/workbench/new")
    assert form.status_code == 200 and "证明材料" in form.get_data(as_text=True)
    fields = {"csrf": csrf_of(form), "subject_name": "张国华",
              "subject_id_number": COUNTER["subject"]["id_number"],
              "applicant_relation": "child", "applicant_name": "张小华",
              "purpose": "退休工龄认定", "holding_archives": ["500118"],
              "record_types": ["employment"]}
    missing = browser.post("/workbench/requests", data=fields)
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "请至少登记一项申请人的身份或授权证明材料" in html
    assert 'value="张小华"' in html  # what was typed stays
    filed = browser.post("/workbench/requests", data={
        **fields, "document_0_kind": "id_card", "document_0_number": "510500195203040011",
        "document_1_kind": "letter_of_authorization", "document_1_note": "本人签字"})
    assert filed.status_code == 303
    detail = browser.get(filed.headers["Location"]).get_data(as_text=True)
    assert "申请已登记" in detail and "居民身份证 510500195203040011" in detail
    assert "授权委托书（本人签字）" in detail and "窗口" in detail


def test_pages_refuse_in_chinese(browser, federation):
    sign_in(browser, "liu")
    number = file_request(browser, {**COUNTER, "holding_archives": ["500118"]})
    hidden = browser.get(f"/workbench/requests/{number}")
    assert hidden.status_code == 404 and "没有找到这份申请" in hidden.get_data(as_text=True)
    assert browser.get("/workbench/requests/SQ000000-2026-99999").status_code == 404
    citizen = federation.hub.application.test_client()
    citizen.set_cookie("liancha_clerk", federation.token("citizen", **COUNTER["subject"]),
                       path="/workbench")
    assert citizen.get("/workbench/").status_code == 303  # not a clerk: to the login page
