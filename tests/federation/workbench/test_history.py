"""A request's history (办理记录) on the workbench: who took each step by archive, post
and name, the steps in Chinese; never an identity string or an action code."""

import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.names import caller_names
from accounts.platform import register_client
from schemas.signing import public_pem
from tests.federation.workbench.conftest import COUNTER
from tests.federation.workbench.test_pages import csrf_of, file_request, sign_in
from workbench.events import rows

ARCHIVES = {"510500": "泸州市档案馆", "500118": "重庆市永川区档案馆",
            "500116": "重庆市江津区档案馆"}
RAW = re.compile(r"\b(clerk|citizen|national|kiosk):|\b(apply|accept|assist|decline|complete"
                 r"|refuse|found|not_found|receiving|holding|admin)\b")


def event(actor: str, role: str, action: str, archive: str | None, before: str | None,
          after: str, reason: str | None = None) -> dict:
    return {"at": "2026-11-02T01:00:00+00:00", "actor": actor, "role": role,
            "action": action, "archive": archive, "from_state": before, "to_state": after,
            "reason": reason}


def view(events: list[dict], parts: dict[str, str]) -> dict:
    return {"receiving_archive": {"code": "510500", "name": "泸州市档案馆"},
            "holding_archives": [{"code": code, "state": state}
                                 for code, state in parts.items()],
            "events": events}


def test_every_kind_of_caller_is_named_as_people_know_it():
    events = [
        event("citizen:510500195203040014", "citizen", "apply", None, None, "applied"),
        event("citizen:510500195203040014@kiosk:LZ-HALL-01", "kiosk", "apply", "510500",
              None, "applied"),
        event("national:nprs", "national", "apply", None, None, "applied", "委托查档"),
        event("clerk:guanli", "clerk:admin", "accept", "510500", "applied", "accepted"),
        event("clerk:chen", "clerk:holding", "assist", "500118", "accepted", "accepted",
              "found"),
        event("clerk:liu", "clerk:holding", "decline", "500116", "accepted", "accepted",
              "馆藏不对外"),
        event("clerk:gone", "clerk:receiving", "complete", "510500", "accepted",
              "completed", "窗口领取"),
    ]
    shown = rows(view(events, {"500118": "found", "500116": "refused"}), ARCHIVES,
                 {"clerk:guanli": "李强", "clerk:chen": "陈静", "clerk:liu": "刘洋",
                  "national:nprs": "全国档案查询利用服务平台（演示）"})
    assert [(r["step"], r["who"]) for r in shown] == [
        ("申请", "申请人本人（手机应用）"),
        ("申请", "申请人本人（泸州市档案馆自助查询机）"),
        ("申请", "全国档案查询利用服务平台（演示）"),
        ("受理", "泸州市档案馆 管理员 李强"),
        ("协办查档（已查到）", "重庆市永川区档案馆 协办人员 陈静"),
        ("不予协办", "重庆市江津区档案馆 协办人员 刘洋"),
        ("办结", "泸州市档案馆 受理人员 gone"),  # an account not found: its username
    ]
    assert [r["state"] for r in shown[2:5]] == ["已申请，待受理", "已受理，协办中",
                                               "已受理，协办中"]
    assert [r["note"] for r in shown] == ["", "", "委托查档", "", "", "馆藏不对外", "窗口领取"]
    assert not RAW.search(str([{k: v for k, v in r.items() if k != "at"} for r in shown]))


def test_a_refusal_before_acceptance_is_not_accepting_it():
    refused = rows(view([event("clerk:wang", "clerk:receiving", "refuse", "510500",
                               "applied", "refused", "材料不全")], {}), ARCHIVES,
                   {"clerk:wang": "王芳"})
    assert (refused[0]["step"], refused[0]["state"]) == ("不予受理", "不予办理")


def test_clerks_and_platform_clients_are_found_by_their_subjects(hub, session, clerks):
    key = Ed25519PrivateKey.generate()
    register_client(session, "nprs", "全国档案查询利用服务平台", public_pem(
        key.public_key()).decode())
    assert caller_names(session, ["clerk:wang", "clerk:chen", "clerk:nobody",
                                  "national:nprs", "citizen:510500195203040014"]) == {
        "clerk:wang": "王芳", "clerk:chen": "陈静", "national:nprs": "全国档案查询利用服务平台"}


def test_the_page_names_each_clerk_and_step(hub, clerks):
    browser = hub.test_client()
    number = file_request(browser, {**COUNTER, "note": "申请人急需"})
    sign_in(browser, "wang")
    detail = browser.get(f"/workbench/requests/{number}")
    browser.post(f"/workbench/requests/{number}/accept",
                 data={"csrf": csrf_of(detail), "reason": "材料齐全"})
    for username, outcome in (("chen", "found"), ("liu", "not_found")):
        clerk = hub.test_client()
        sign_in(clerk, username)
        own = clerk.get(f"/workbench/requests/{number}")
        searched = clerk.post(f"/workbench/requests/{number}/search",
                              data={"csrf": csrf_of(own)})
        results = clerk.get(searched.headers["Location"]).get_data(as_text=True)
        query_id = re.search(r'name="query_id" value="([0-9a-f]+)"', results).group(1)
        ids = ["500118/employment/YC-E-1978"] if outcome == "found" else []
        answered = clerk.post(f"/workbench/requests/{number}/assist", data={
            "csrf": csrf_of(own), "outcome": outcome, "query_id": query_id,
            "record_ids": ids})
        assert answered.status_code == 303, answered.get_data(as_text=True)
    done = browser.post(f"/workbench/requests/{number}/complete",
                        data={"csrf": csrf_of(detail), "note": "窗口领取"})
    assert done.status_code == 303

    html = browser.get(f"/workbench/requests/{number}").get_data(as_text=True)
    history = html[html.index('<section id="history">'):]
    history = history[:history.index("</section>")]
    cells = [re.sub(r"<[^>]+>", "", cell).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", history, re.S)]
    steps = [cells[i + 1:i + 3] for i in range(0, len(cells), 5)]
    assert steps == [["申请", "泸州市档案馆 受理人员 王芳"], ["受理", "泸州市档案馆 受理人员 王芳"],
                     ["协办查档（已查到）", "重庆市永川区档案馆 协办人员 陈静"],
                     ["协办查档（未查到）", "重庆市江津区档案馆 协办人员 刘洋"],
                     ["办结", "泸州市档案馆 受理人员 王芳"]]
    for note in ("申请人急需", "材料齐全", "窗口领取"):
        assert note in history
    assert not RAW.search(re.sub(r"<[^>]+>", "", history)), history
    assert "clerk:" not in html and "citizen:" not in html
