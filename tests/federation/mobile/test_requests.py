"""A citizen's cross-archive request in the app: filed for themselves, followed step by
step while the archives' clerks work it (through the services), with their certificate
to download at the end; no clerk's name reaches the app."""

import io
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PdfReader
from sqlalchemy.orm import Session

from casework.transitions import (
    accept_request,
    assist_request,
    complete_request,
    refuse_request,
    search_for_request,
)
from federation.identity import Identity

LUZHOU = Identity("clerk:wang", "clerk", archive="510500",
                  roles=frozenset({"receiving", "holding"}))
YONGCHUAN = Identity("clerk:chen", "clerk", archive="500118", roles=frozenset({"holding"}))
JIANGJIN = Identity("clerk:liu", "clerk", archive="500116", roles=frozenset({"holding"}))
APPLICATION = {"purpose": "退休工龄认定", "receiving_archive": "510500",
               "holding_archives": ["500118", "500116"],
               "record_types": ["employment", "sent_down_youth"], "note": "请邮寄"}


@contextmanager
def clerks_at_work(federation) -> Iterator[tuple[Session, object, object, object]]:  # type: ignore[no-untyped-def]
    app = federation.hub.application
    with app.app_context():
        session = app.extensions["liancha.db"].session()
        try:
            yield (session, app.extensions["liancha.hub"], app.extensions["liancha.fanout"],
                   app.extensions["liancha.certificate_keys"])
        finally:
            session.close()


def states(progress: dict) -> dict[str, str]:
    return {step["step"]: step["state"] for step in progress["steps"]}


def test_a_citizen_follows_their_request_to_its_certificate(federation, zhang, other_zhang):
    filed = zhang.post("/requests", APPLICATION)
    assert filed.status_code == 201, filed.json
    number = filed.json["request_no"]
    assert number.startswith("SQ510500-") and filed.json["channel"] == "app"
    assert filed.json["receiving_archive"] == {"code": "510500", "name": "泸州市档案馆"}
    assert filed.json["applicant"] == {"name": "张国华", "relation": "self"}
    assert states(filed.json) == {"apply": "done", "accept": "current", "assist": "waiting",
                                  "complete": "waiting"}
    accept_step = filed.json["steps"][1]
    assert accept_step["label"] == "受理" and accept_step["due"] == filed.json["accept_due"]
    assert [(a["code"], a["state_label"]) for a in filed.json["holding_archives"]] == [
        ("500116", "查找中"), ("500118", "查找中")]

    listed = zhang.get("/requests").json
    assert [(r["request_no"], r["state_label"]) for r in listed] == [(number, "已申请，待受理")]
    assert other_zhang.get("/requests").json == []
    hidden = other_zhang.get(f"/requests/{number}")
    assert hidden.status_code == 404
    assert hidden.json["detail"] == "没有找到这份申请，请核对申请编号。"
    assert other_zhang.get("/requests/SQ510500-2026-99999").json == hidden.json

    with clerks_at_work(federation) as (session, settings, fanout, keyring):
        accept_request(session, settings, settings.calendar, LUZHOU, number, "材料齐全")
        accepted = zhang.get(f"/requests/{number}").json
        assert states(accepted) == {"apply": "done", "accept": "done", "assist": "current",
                                    "complete": "waiting"}
        assert accepted["steps"][2]["due"] == accepted["assist_due"] is not None
        answer = search_for_request(session, settings, fanout, YONGCHUAN, number)
        found = [r["record_id"] for r in answer["records"] if r["record_id"].endswith("1978")]
        assist_request(session, settings, keyring, YONGCHUAN, number,
                       {"outcome": "found", "query_id": answer["query_id"],
                        "record_ids": found})
        assist_request(session, settings, keyring, JIANGJIN, number,
                       {"outcome": "not_found", "note": "经查无此人下乡记录"})
        assert states(zhang.get(f"/requests/{number}").json)["complete"] == "current"
        complete_request(session, settings, keyring, LUZHOU, number, {"note": "已邮寄"})

    done = zhang.get(f"/requests/{number}")
    progress = done.json
    assert progress["state"] == "completed" and progress["state_label"] == "已办结"
    assert set(states(progress).values()) == {"done"}
    parts = {a["code"]: a for a in progress["holding_archives"]}
    assert parts["500118"]["state_label"] == "已查到" and "query_id" not in parts["500118"]
    assert parts["500116"]["note"] == "经查无此人下乡记录"
    # RFC 3339, as the document's `date-time` says, like every other time of the answer
    answered = [part["answered_at"] for part in parts.values()]
    assert all(moment[10] == "T" for moment in answered), answered
    assert progress["steps"][2]["at"] == max(answered)
    assert [(e["action_label"], e["actor"]) for e in progress["events"]] == [
        ("提交申请", "本人"), ("受理", "泸州市档案馆"), ("协办答复", "重庆市永川区档案馆"),
        ("协办答复", "重庆市江津区档案馆"), ("办结", "泸州市档案馆")]
    assert progress["events"][2]["reason"] == "已查到"
    body = done.get_data(as_text=True)
    for staff in ("clerk:", "wang", "chen", "liu"):
        assert staff not in body, staff
    assert not [e for e in progress["events"] if "role" in e]  # nor their roles

    certificate_no = parts["500118"]["certificate_no"]
    assert progress["certificate_nos"] == [certificate_no]
    mine = zhang.get("/certificates").json
    assert [c["certificate_no"] for c in mine] == [certificate_no]
    assert mine[0]["archive_name"] == "重庆市永川区档案馆"
    pdf = zhang.get(f"/certificates/{certificate_no}/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "重庆市永川区档案馆" in text and "永川国营红星机械厂" in text
    assert other_zhang.get(f"/certificates/{certificate_no}/pdf").status_code == 404


def test_a_refusal_ends_the_step_it_came_in(federation, zhang):
    number = zhang.post("/requests", APPLICATION).json["request_no"]
    with clerks_at_work(federation) as (session, settings, _, _):
        refuse_request(session, settings, LUZHOU, number, "申请事项不属于跨馆查档范围")
    refused = zhang.get(f"/requests/{number}").json
    assert refused["state_label"] == "不予办理"
    assert refused["refusal_reason"] == "申请事项不属于跨馆查档范围"
    assert states(refused) == {"apply": "done", "accept": "refused", "assist": "skipped",
                               "complete": "skipped"}
    assert refused["steps"][1]["at"] == refused["closed_at"]
    assert refused["events"][-1]["actor"] == "泸州市档案馆"


def test_archives_outside_the_federation_are_refused_in_chinese(zhang):
    unknown = zhang.post("/requests", {**APPLICATION, "receiving_archive": "999999"})
    assert unknown.status_code == 422
    assert unknown.json["errors"] == {"receiving_archive": ["请从档案馆列表中选择受理档案馆。"]}
    malformed = zhang.post("/requests", {**APPLICATION, "receiving_archive": "泸州"})
    assert malformed.json["errors"] == unknown.json["errors"]
    asked = zhang.post("/requests", {**APPLICATION, "holding_archives": ["500118", "999999"]})
    assert asked.status_code == 422
    assert asked.json["errors"] == {"holding_archives": ["请从档案馆列表中选择需要查找的档案馆。"]}
    assert zhang.get("/requests").json == []


def test_by_default_every_other_archive_is_asked(zhang):
    filed = zhang.post("/requests", {"purpose": "知青证明", "receiving_archive": "500116"})
    assert filed.status_code == 201, filed.json
    assert [a["code"] for a in filed.json["holding_archives"]] == ["500118", "510500"]
    assert filed.json["record_types"] == ["marriage", "forestry_right", "sent_down_youth",
                                          "employment"]
