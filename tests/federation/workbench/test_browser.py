"""One click-through in a real headless Chromium: 登录 → 工作台 → 申请详情 → 受理."""

import shutil

import pytest

from tests.federation.workbench.conftest import PASSWORD
from tests.federation.workbench.test_pages import file_request
from tests.live import serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="chromium not installed")


def test_a_clerk_logs_in_opens_a_request_and_accepts_it(hub, clerks):
    sync_api = pytest.importorskip("playwright.sync_api")
    number = file_request(hub.test_client())
    with serve(hub) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(f"{url}/workbench/")
            assert page.url.endswith("/workbench/login")  # no cookie yet
            page.fill("input[name=username]", "wang")
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('登录')")
            page.wait_for_url(f"{url}/workbench/")
            assert "王芳" in page.inner_text("header")
            cookie = next(c for c in page.context.cookies() if c["name"] == "liancha_clerk")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert page.evaluate("document.cookie") == ""  # no script can read the token

            page.click(f"a:has-text('{number}')")
            page.wait_for_url(f"**/workbench/requests/{number}")
            assert "已申请，待受理" in page.inner_text("main")
            page.fill("form[action$='/accept'] input[name=reason]", "材料齐全，予以受理")
            page.get_by_role("button", name="受理", exact=True).click()
            page.wait_for_url("**done=accept")
            text = page.inner_text("main")
            assert "已受理，协办中" in text and "材料齐全，予以受理" in text
            assert "检索本馆" not in text  # wang only receives
        finally:
            browser.close()
