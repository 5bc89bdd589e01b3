"""The kiosk page clicked through in headless Chromium, against the hub and the simulated
ID-card reader both served over real HTTP: place the card, see the records, print the
泸州 marriage certificate, request the 永川 record across archives, finish."""

import dataclasses
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from accounts.models import KioskSession
from casework.models import CaseRequest, RequestAssist
from kiosk_api.reader import create_reader_app
from tests.federation.kiosk.conftest import ZHANG
from tests.live import serve
from tests.nodes.people import LI_ID, ZHANG_ID, ZHANG_ID_15

CHROMIUM = Path("/usr/bin/chromium")
WAIT_MS = 20_000


@contextmanager
def kiosk_browser(kiosk) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    """(page, problems): the kiosk page open in Chromium, and the page's errors and CSP
    violations as they happen."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium to drive the kiosk page")
    from playwright.sync_api import sync_playwright

    app = kiosk.hub.application
    with serve(app) as hub_url, \
            serve(create_reader_app(kiosk.device_id, kiosk.key, hub_url, ZHANG)) as reader, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1024})
            page.set_default_timeout(WAIT_MS)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda message: problems.append(message.text)
                    if message.type == "error" else None)
            page.goto(f"{hub_url}/kiosk/?reader={reader}")
            yield page, problems
        finally:
            browser.close()


def pass_through(route, answers: list) -> None:  # type: ignore[no-untyped-def]
    response = route.fetch()
    answers.append((response.status, response.headers.get("content-type"), response.body()))
    route.fulfill(response=response)


def ended_sessions(kiosk) -> list[str | None]:  # type: ignore[no-untyped-def]
    with kiosk.hub.application.extensions["liancha.db"].session() as session:
        return [row.end_reason for row in session.scalars(select(KioskSession))]


def test_a_whole_kiosk_session_in_headless_chromium(kiosk):
    from playwright.sync_api import expect

    with kiosk_browser(kiosk) as (page, problems):
        expect(page.get_by_role("heading", name="请将身份证放在读卡区")).to_be_visible()
        page.get_by_role("button", name="读取身份证").click()

        expect(page.get_by_role("heading", name="我的档案")).to_be_visible()
        expect(page.locator("#greeting")).to_have_text("张*华，您好")
        expect(page.locator("#countdown")).to_contain_text("剩余")
        records = page.locator("#record-list li")
        expect(records).to_have_count(2)
        shown = page.locator("main").inner_text()
        assert "李*英" in shown and "李秀英" not in shown
        assert not any(number in page.content() for number in (ZHANG_ID, ZHANG_ID_15, LI_ID))

        marriage = records.filter(has_text="泸州市档案馆")
        transfer = records.filter(has_text="重庆市永川区档案馆")
        expect(marriage).to_contain_text("本机可打印")
        expect(transfer).to_contain_text("需跨馆调档")
        page.get_by_role("button", name="打印证明").click()  # nothing chosen yet
        expect(page.locator("#error")).to_have_text("请先选择用途。")
        expect(page.locator("#error")).to_be_in_viewport()  # seen where the person looks

        page.get_by_text("婚姻状况证明").click()
        marriage.click()
        expect(marriage.locator("input")).to_be_checked()
        pdfs: list = []  # what the hub answered the page, passed through unchanged
        page.route(re.compile(r"/kiosk/api/v1/certificates/[^/]+/pdf$"),
                   lambda route: pass_through(route, pdfs))
        page.get_by_role("button", name="打印证明").click()
        expect(page.get_by_role("heading", name="证明已出具")).to_be_visible()
        [(status, content_type, body)] = pdfs
        assert status == 200 and content_type == "application/pdf"
        assert body.startswith(b"%PDF-")
        number = page.locator("#certificate-no").inner_text()
        assert re.fullmatch(r"泸档证〔\d{4}〕第\d{6}号", number)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
        assert number in text and "张国华" in text
        assert page.locator("#certificate-frame").get_attribute("src").startswith("blob:")

        page.get_by_role("button", name="返回我的档案").click()
        marriage.click()
        transfer.click()
        expect(marriage.locator("input")).not_to_be_checked()
        expect(transfer.locator("input")).to_be_checked()
        page.get_by_role("button", name="申请跨馆调档").click()
        expect(page.get_by_role("heading", name="跨馆调档申请已提交")).to_be_visible()
        request_no = page.locator("#request-no").inner_text()
        assert re.fullmatch(r"SQ510500-\d{4}-\d{5}", request_no)
        expect(page.locator("#request-due")).to_have_text(re.compile(r"\d{4}年\d+月\d+日前答复"))
        expect(page.locator("#request-holding")).to_have_text("重庆市永川区档案馆")

        # what may be the person's: where and how many, and one touch asks a clerk
        page.get_by_role("button", name="返回我的档案").click()
        expect(page.locator("#to-confirm-notice")).to_have_text(
            "在以下档案馆还有可能属于您的档案，需要工作人员核实")
        expect(page.locator("#to-confirm-list li")).to_have_text(
            ["重庆市永川区档案馆：1份", "重庆市江津区档案馆：1份"])
        page.get_by_role("button", name="申请工作人员核实").click()
        expect(page.get_by_role("heading", name="跨馆调档申请已提交")).to_be_visible()
        confirming_no = page.locator("#request-no").inner_text()
        expect(page.locator("#request-holding")).to_have_text(
            "重庆市江津区档案馆、重庆市永川区档案馆")

        page.get_by_role("button", name="结束服务").click()
        expect(page.get_by_role("heading", name="请将身份证放在读卡区")).to_be_visible()
        expect(page.locator("#notice")).to_contain_text("感谢使用")
        expect(page.locator("#record-list li")).to_have_count(0)
        expect(page.locator("#session-bar")).to_be_hidden()
        assert problems == []

    assert ended_sessions(kiosk) == ["finished"]
    with kiosk.hub.application.extensions["liancha.db"].session() as session:
        filed = session.get(CaseRequest, request_no)
        assert filed.channel == "kiosk" and filed.subject_id_number == ZHANG_ID
        assert filed.record_types == '["employment"]'
        assert filed.note.startswith("自助查询机上所选档案：重庆市永川区档案馆招工档案（")
        assert "/" not in filed.note  # no raw record id
        assert [a.archive_code for a in session.scalars(select(RequestAssist).where(
            RequestAssist.request_no == request_no))] == ["500118"]
        confirming = session.get(CaseRequest, confirming_no)
        assert confirming.source_query_id and confirming.receiving_archive == "510500"


def test_the_page_returns_to_the_start_when_the_session_idles_out(kiosk):
    from playwright.sync_api import expect

    app = kiosk.hub.application
    app.extensions["liancha.hub"] = dataclasses.replace(app.extensions["liancha.hub"],
                                                        kiosk_idle_s=3.0)
    with kiosk_browser(kiosk) as (page, problems):
        page.get_by_role("button", name="读取身份证").click()
        expect(page.get_by_role("heading", name="我的档案")).to_be_visible()
        for _ in range(10):  # touching the screen is activity: 5 s, longer than idle
            page.locator("#coverage").click()
            page.wait_for_timeout(500)
        expect(page.get_by_role("heading", name="我的档案")).to_be_visible()
        expect(page.locator("#countdown")).to_have_text(re.compile(r"剩余 [0-3] 秒"))
        expect(page.get_by_role("heading", name="请将身份证放在读卡区")).to_be_visible()
        expect(page.locator("#error")).to_have_text("本次服务已结束，请重新放置身份证。")
        expect(page.locator("#record-list li")).to_have_count(0)
        expect(page.locator("#session-bar")).to_be_hidden()
        # the hub answered the page's last call with 401: the browser logs that as an error
        assert all("401" in problem for problem in problems), problems
    assert ended_sessions(kiosk) == ["idle"]
    with kiosk.hub.application.extensions["liancha.db"].session() as session:
        [row] = session.scalars(select(KioskSession))
        assert (row.last_seen_at - row.opened_at).total_seconds() > 4  # kept alive
