"""Records that may be the citizen's: offered (where, how many), asked for in one step,
confirmed or rejected by the clerk of the archive holding each, and followed afterwards.

张国华's Yongchuan recruitment (張國華, born 1952-03, no id) and his Jiangjin 知青 file
(张国化, born 1952, no id) are not sure enough to show him; his Luzhou marriage carries his
id number."""

import json

from sqlalchemy import select

from federation.audit import AuditEvent
from tests.federation.mobile.conftest import EMPLOYMENT, MARRIAGE

YOUTH = "500116/sent_down_youth/JJ-Z-1970"
NOTICE = "在以下档案馆还有可能属于您的档案，需要工作人员核实"


def clerk(federation, archive: str, roles: str = "receiving,holding,admin") -> dict:  # type: ignore[no-untyped-def]
    token = federation.token(archive=archive, roles=roles, username=f"clerk-{archive}")
    return {"Authorization": f"Bearer {token}"}


def test_offered_confirmed_and_shown_next_time(federation, zhang):
    hub = federation.hub
    first = zhang.post("/queries", {"purpose": "退休工龄认定"}).json
    assert [r["record_id"] for r in first["records"]] == [MARRIAGE]
    assert first["to_confirm"] == [
        {"archive": {"code": "500118", "name": "重庆市永川区档案馆"}, "count": 1},
        {"archive": {"code": "500116", "name": "重庆市江津区档案馆"}, "count": 1}]
    assert first["to_confirm_notice"] == NOTICE
    # where and how many, never what: no record id, name or date of the offered ones
    assert EMPLOYMENT not in json.dumps(first) and YOUTH not in json.dumps(first)

    filed = zhang.post("/requests", {"query_id": first["query_id"],
                                     "receiving_archive": "510500"})
    assert filed.status_code == 201, filed.json
    number = filed.json["request_no"]
    assert {p["code"] for p in filed.json["holding_archives"]} == {"500118", "500116"}
    assert filed.json["purpose"] == "核实可能属于本人的档案"

    yongchuan, jiangjin = clerk(federation, "500118", "holding"), clerk(federation, "500116",
                                                                        "holding")
    candidates = f"/clerk/api/v1/requests/{number}/candidates"
    early = hub.post(candidates, json={"record_id": EMPLOYMENT, "party": 0,
                                       "decision": "confirmed"}, headers=yongchuan)
    assert early.status_code == 403  # not accepted yet: nothing to decide
    accepted = hub.post(f"/clerk/api/v1/requests/{number}/accept", json={},
                        headers=clerk(federation, "510500", "receiving"))
    assert accepted.status_code == 200, accepted.json

    listed = hub.get(candidates, headers=yongchuan)
    assert listed.status_code == 200, listed.json
    [candidate] = listed.json  # Yongchuan sees its own record only
    assert candidate["record_id"] == EMPLOYMENT and candidate["record"]["parties"][0][
        "name_raw"] == "張國華"
    assert any("出生日期1952-03" in r["text"] for r in candidate["reasons_for"])
    assert candidate["decision"] is None and candidate["odds"] < 3

    confirmed = hub.post(candidates, json={"record_id": EMPLOYMENT, "party": 0,
                                           "decision": "confirmed", "note": "核对招工表原件"},
                         headers=yongchuan)
    assert confirmed.status_code == 200 and confirmed.json["decision"]["decision"] == \
        "confirmed", confirmed.json
    rejected = hub.post(candidates, json={"record_id": YOUTH, "party": 0,
                                          "decision": "rejected", "note": "出生日期不符"},
                        headers=jiangjin)
    assert rejected.status_code == 200, rejected.json

    again = zhang.post("/queries", {"purpose": "退休工龄认定"}).json
    assert sorted(r["record_id"] for r in again["records"]) == sorted([MARRIAGE, EMPLOYMENT])
    assert again["to_confirm"] == [] and again["to_confirm_notice"] is None
    [me] = again["persons"]
    assert {r["record_id"] for r in me["records"]} == {MARRIAGE, EMPLOYMENT}

    # who decided, when, on what evidence: in the audit record (the clerk's name is not
    # shown to the citizen anywhere)
    session = hub.application.extensions["liancha.db"].session()
    try:
        actions = {(e.action, e.target) for e in session.scalars(select(AuditEvent))}
    finally:
        session.close()
    assert ("ownership.confirmed", EMPLOYMENT) in actions
    assert ("ownership.rejected", YOUTH) in actions
    assert ("candidates.viewed", number) in actions
    progress = zhang.get(f"/requests/{number}").json
    assert "clerk-500118" not in json.dumps(progress, ensure_ascii=False)


def test_nobody_else_asks_for_or_decides_what_was_offered_to_a_citizen(federation, zhang,
                                                                       other_zhang):
    hub = federation.hub
    mine = zhang.post("/queries", {"purpose": "退休工龄认定"}).json
    # another citizen cannot file a request from my query
    stolen = other_zhang.post("/requests", {"query_id": mine["query_id"]})
    assert stolen.status_code == 422 and "query_id" in stolen.json["errors"]
    # a query that offered nothing files nothing
    theirs = other_zhang.post("/queries", {"purpose": "x"}).json
    assert theirs["to_confirm"] == []
    nothing = other_zhang.post("/requests", {"query_id": theirs["query_id"]})
    assert nothing.status_code == 422
    assert nothing.json["errors"]["query_id"] == [
        "这次查询没有需要工作人员核实的档案，或已核实完毕；请重新查询您的档案。"]

    number = zhang.post("/requests", {"query_id": mine["query_id"]}).json["request_no"]
    hub.post(f"/clerk/api/v1/requests/{number}/accept", json={},
             headers=clerk(federation, "500118", "receiving"))  # received by Yongchuan
    candidates = f"/clerk/api/v1/requests/{number}/candidates"
    # Jiangjin decides only its own record; Luzhou is not asked at all
    wrong_archive = hub.post(candidates, json={"record_id": EMPLOYMENT, "party": 0,
                                               "decision": "confirmed"},
                             headers=clerk(federation, "500116", "holding"))
    assert wrong_archive.status_code == 404
    assert hub.get(candidates, headers=clerk(federation, "510500")).status_code == 404
    # a record the request never offered, or another party of it
    for record_id, party in ((MARRIAGE, 0), (EMPLOYMENT, 1)):
        assert hub.post(candidates, json={"record_id": record_id, "party": party,
                                          "decision": "confirmed"},
                        headers=clerk(federation, "500118", "holding")).status_code == 404
    # a receiving-only clerk of the holding archive may not decide
    assert hub.post(candidates, json={"record_id": EMPLOYMENT, "party": 0,
                                      "decision": "confirmed"},
                    headers=clerk(federation, "500118", "receiving")).status_code == 403
    # and nothing of this shows the other citizen anything
    assert [r["record_id"] for r in other_zhang.post("/queries", {"purpose": "x"}).json[
        "records"]] == ["500118/employment/YC-E-OTHER"]
