"""The README's run command, as a person uses it: start the demo, follow what it prints
(a clerk's query and certificate; a request from the app, one at the kiosk page and one
from the national platform, each moved through its steps by the clerks of both archives;
the audit check before and after an edit), stop a node, ask again, Ctrl-C."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2
import pytest
import requests
import zxingcpp
from pyzbar import pyzbar

from tests.certificates.test_photocopy import photocopy
from tests.demo_walk import Walkthrough
from tests.federation.workbench.test_history import RAW

pytestmark = pytest.mark.slow
NODES = 10
CHROMIUM = Path("/usr/bin/chromium")


def free_port_block(size: int) -> int:
    for base in range(20000 + (os.getpid() % 50) * 200, 60000, 37):
        sockets = []
        try:
            for port in range(base, base + size):
                probe = socket.socket()
                probe.bind(("127.0.0.1", port))
                sockets.append(probe)
            return base
        except OSError:
            continue
        finally:
            for probe in sockets:
                probe.close()
    raise RuntimeError("no free block of ports")


def shell(command: str, **env: str) -> str:
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})
    assert done.returncode == 0 or env.get("ALLOW_FAIL"), done.stderr
    return done.stdout


def check_certificate_walkthrough(walk: Walkthrough, tmp_path: Path) -> None:
    """Issue from the sample query, open the PDF: one page, whose photocopy (150 dpi,
    halved, blurred) two decoders scan; the typed number and code find it too; revoke,
    scan again."""
    token = walk.export("TOKEN")
    certificate = json.loads(shell(walk.command("/api/v1/certificates "), TOKEN=token))
    pdf_path = tmp_path / "c.pdf"
    subprocess.run(["curl", "-s", "-H", f"Authorization: Bearer {token}", "-o",
                    str(pdf_path), certificate["pdf_url"]], check=True, timeout=30)
    document = pypdfium2.PdfDocument(str(pdf_path))
    assert len(document) == 1
    copy = photocopy(pdf_path.read_bytes())
    scanned = [barcode.text for barcode in zxingcpp.read_barcodes(copy)]
    assert scanned == [certificate["verify_url"]]
    assert [r.data.decode() for r in pyzbar.decode(copy)] == scanned
    assert "有效" in requests.get(scanned[0], timeout=30).text
    text = document[0].get_textpage().get_text_range()
    code = re.search(r"核验码[：:]\s*([0-9A-Z]{4}\s?[0-9A-Z]{4})", text).group(1)
    base = scanned[0].split("/V/")[0].lower()
    typed = requests.post(f"{base}/api/v1/verify", timeout=30, json={
        "certificate_no": certificate["display_no"], "code": code.lower()}).json()
    assert typed["status"] == "valid"
    revoke = walk.command("/revoke ").replace("CERTIFICATE_NO", certificate["certificate_no"])
    shell(revoke, TOKEN=token)
    page = requests.get(scanned[0], timeout=30).text
    assert "已撤销" in page and "演示撤销" in page


@contextmanager
def chromium_page() -> Iterator:  # type: ignore[type-arg]
    """A page in headless Chromium, as a person at a screen would have it."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium for the pages")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1024})
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def kiosk_request(walk: Walkthrough) -> str:
    """At the kiosk page in Chromium, as step 4 says: read the card, choose the purpose
    (nothing is asked without one), the record held elsewhere, 申请跨馆调档, 结束服务. The
    request number the page shows."""
    from playwright.sync_api import expect

    with chromium_page() as page:
        page.goto(walk.kiosk_url)
        page.get_by_role("button", name="读取身份证").click()
        expect(page.get_by_role("heading", name="我的档案")).to_be_visible()
        page.locator("#record-list li").filter(has_text=walk.kiosk_record).first.click()
        page.get_by_role("button", name="申请跨馆调档").click()
        expect(page.get_by_role("alert")).to_contain_text("请先选择用途")
        page.get_by_role("radio", name=walk.kiosk_purpose).check()
        page.get_by_role("button", name="申请跨馆调档").click()
        expect(page.get_by_role("heading", name="跨馆调档申请已提交")).to_be_visible()
        number = page.locator("#request-no").inner_text()
        page.get_by_role("button", name="结束服务").click()
        expect(page.get_by_role("heading", name="请将身份证放在读卡区")).to_be_visible()
        return number


def confirm_in_the_workbench(walk: Walkthrough, username: str, number: str) -> int:
    """In Chromium: log in to the workbench as the holding archive's clerk, open the
    request, and 确认属于申请人 for each record waiting. How many were confirmed."""
    from playwright.sync_api import expect

    with chromium_page() as page:
        page.goto(f"{walk.hub_url}/workbench/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("liancha-demo")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name=number).first.click()
        expect(page.get_by_role("heading", name=re.compile("待核实档案"))).to_be_visible()
        waiting = page.locator("#to-confirm tbody tr").count()
        for row in range(waiting):
            page.locator("#to-confirm tbody tr").nth(row).get_by_role(
                "button", name="确认属于申请人").click()
            expect(page.locator(".done")).to_contain_text("核实结论已记录")
        expect(page.locator("#to-confirm")).to_contain_text("已确认属于申请人")
        return waiting


def check_history_pages(walk: Walkthrough, numbers: tuple[str, str, str]) -> None:
    """Each request's 办理记录 in the workbench, in Chromium: who took each step by archive,
    post and name, the steps in Chinese; no identity string, no action code."""
    from playwright.sync_api import expect

    with chromium_page() as page:
        page.goto(f"{walk.hub_url}/workbench/")
        page.get_by_label("用户名").fill(f"shouli-{walk.receiving}")
        page.get_by_label("密码").fill("liancha-demo")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="工作台")).to_be_visible()
        shown = []
        for number in numbers:
            page.goto(f"{walk.hub_url}/workbench/requests/{number}")
            shown.append(page.locator("#history").inner_text())
    app, kiosk, national = shown
    assert "申请人本人（手机应用）" in app
    assert f"申请人本人（{walk.receiving_name}自助查询机）" in kiosk
    assert "全国档案查询利用服务平台（演示）" in national
    for text in shown:
        for step in ("申请", "受理", "协办查档（已查到）", "办结", "材料齐全，予以受理",
                     "已调阅原件核对", "请到受理窗口领取证明"):
            assert step in text, (step, text)
        assert re.search(rf"{walk.receiving_name} 受理人员 \w+", text), text
        assert re.search(rf"{walk.holding_name} 协办人员 \w+", text), text
        assert not RAW.search(text) and "shouli-" not in text and "xiezhu-" not in text, text


def check_records_to_confirm(walk: Walkthrough) -> None:
    """Step 3: offered, asked for in one step, confirmed by the clerk, shown next time."""
    mine, filed = walk.ask_to_confirm(shell)
    archive = mine["to_confirm"][0]["archive"]["code"]
    assert filed["receiving_archive"]["code"] == archive
    walk.accept_as(f"shouli-{archive}", filed["request_no"])
    confirmed = confirm_in_the_workbench(walk, f"xiezhu-{archive}", filed["request_no"])
    assert confirmed == mine["to_confirm"][0]["count"]
    again = walk.ask_again(shell)
    before = {r["record_id"] for r in mine["records"]}
    new = {r["record_id"] for r in again["records"]} - before
    assert len(new) == confirmed and all(r.startswith(archive + "/") for r in new), again
    assert archive not in {entry["archive"]["code"] for entry in again["to_confirm"]}


def test_the_demo_federation_as_the_readme_tells_it(tmp_path: Path):
    base = free_port_block(NODES + 3)
    demo = subprocess.Popen(
        [sys.executable, "-m", "liancha", "demo", "--dir", str(tmp_path / "demo"),
         "--people", "600", "--hub-port", str(base), "--base-port", str(base + 1),
         "--reader-port", str(base + NODES + 1), "--sink-port", str(base + NODES + 2)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line, "".join(output)
            output.append(line)
            if line.startswith("Ctrl-C stops everything"):
                break
        walk = Walkthrough("".join(output), tmp_path / "demo")
        token = walk.export("TOKEN")
        query = walk.command("/api/v1/queries ")
        answer = json.loads(shell(query, TOKEN=token))
        assert answer["complete"] is True and len(answer["nodes"]) == NODES
        person = next(p for p in answer["persons"] if p["is_subject"])
        assert len({r["record_id"].split("/")[0] for r in person["records"]}) >= 3
        check_certificate_walkthrough(walk, tmp_path)

        # 2–6: one request from each way in, each moved through its steps by the clerks;
        # 3: records offered to confirm, confirmed by the holding archive's clerk
        app_request = walk.citizen_request(shell)
        check_records_to_confirm(walk)
        kiosk = kiosk_request(walk)
        national, replay = walk.national_request(shell)
        assert replay["request_no"] == national["request_no"]  # resubmitted: the original
        numbers = (app_request["request_no"], kiosk, national["request_no"])
        for number in numbers:
            walk.clerks_complete(number, shell)
        check_history_pages(walk, numbers)
        progress = walk.citizen_progress(app_request["request_no"])
        assert progress["state"] == "completed" and progress["certificate_nos"]
        assert not re.search(r"shouli-|xiezhu-", json.dumps(progress, ensure_ascii=False))
        walk.check_callbacks(national["request_no"])

        # 7: the audit chain holds, then an edited row is named
        verify = walk.command("audit verify")
        assert "intact" in shell(verify)
        shell(walk.command("import sqlite3"))
        broken = subprocess.run(["bash", "-c", verify], capture_output=True, text=True,
                                timeout=60)
        assert broken.returncode == 1 and "entry 3" in broken.stderr + broken.stdout

        # 8: a node down
        pid, stopped = re.search(r"kill (\d+) stops (\S+)\)", walk.printed).groups()
        os.kill(int(pid), signal.SIGTERM)
        time.sleep(1)
        started = time.monotonic()
        again = json.loads(shell(query, TOKEN=token))
        assert time.monotonic() - started < 6  # the hub's overall deadline, and some
        assert again["complete"] is False
        down = [n for n in again["nodes"] if n["status"] != "ok"]
        assert [n["archive"]["name"] for n in down] == [stopped]
        assert down[0]["error"]
    finally:
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=30)
    assert "nothing is left running" in rest
    for port in range(base, base + NODES + 3):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers"
