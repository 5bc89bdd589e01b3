"""The clerk API through the whole request, with each archive's clerk, and its refusals."""

from tests.federation.workbench.conftest import API, COUNTER, NOBODY, bearer, login, post


def test_a_counter_request_through_every_step(client):
    wang, chen, liu = login(client, "wang"), login(client, "chen"), login(client, "liu")
    zhao = login(client, "zhao")  # holding only, at the receiving archive

    filed = post(client, "/requests", wang, COUNTER)
    assert filed.status_code == 201, filed.json
    number = filed.json["request_no"]
    assert filed.json["channel"] == "counter" and filed.json["state"] == "applied"
    assert filed.json["documents"] == COUNTER["documents"]

    for outsider in (chen, zhao):  # holding clerks do not accept
        refused = post(client, f"/requests/{number}/accept", outsider)
        assert refused.status_code == 403
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert refused.json["title"] == "Forbidden"  # English: this is the developer API
    accepted = post(client, f"/requests/{number}/accept", wang, {"reason": "材料齐全"})
    assert accepted.status_code == 200 and accepted.json["state"] == "accepted"
    assert accepted.json["assist_due"]

    answer = post(client, f"/requests/{number}/search", chen)
    assert answer.status_code == 200
    assert [n["archive"]["code"] for n in answer.json["nodes"]] == ["500118"]
    found = [r["record_id"] for r in answer.json["records"]
             if r["record_id"].endswith("YC-E-1978")]
    assisted = post(client, f"/requests/{number}/assist", chen, {
        "outcome": "found", "query_id": answer.json["query_id"], "record_ids": found})
    assert assisted.status_code == 200, assisted.json
    yongchuan = next(a for a in assisted.json["holding_archives"] if a["code"] == "500118")
    assert yongchuan["state"] == "found" and yongchuan["certificate_no"].startswith("500118-")

    early = post(client, f"/requests/{number}/complete", wang)
    assert early.status_code == 409 and "500116" in early.json["detail"]
    nothing = post(client, f"/requests/{number}/assist", liu, {"outcome": "not_found",
                                                               "note": "馆藏中未查到"})
    assert nothing.status_code == 200
    assert post(client, f"/requests/{number}/complete", zhao).status_code == 403
    done = post(client, f"/requests/{number}/complete", wang, {"note": "已邮寄"})
    assert done.status_code == 200 and done.json["state"] == "completed"
    assert done.json["certificate_nos"] == [yongchuan["certificate_no"]]

    shown = client.get(f"{API}/requests/{number}", headers=bearer(liu)).json
    assert [e["action"] for e in shown["events"]] == ["apply", "accept", "assist", "assist",
                                                      "complete"]
    assert [e["actor"] for e in shown["events"]] == ["clerk:wang", "clerk:wang", "clerk:chen",
                                                     "clerk:liu", "clerk:wang"]
    assert shown["events"][1]["reason"] == "材料齐全" and all(e["at"] for e in shown["events"])
    listed = client.get(f"{API}/requests?state=completed", headers=bearer(chen)).json
    assert [r["request_no"] for r in listed] == [number]
    assert client.get(f"{API}/requests?state=applied", headers=bearer(chen)).json == []


def test_no_record_anywhere_completes_with_a_no_record_certificate(client):
    wang, chen, liu = login(client, "wang"), login(client, "chen"), login(client, "liu")
    number = post(client, "/requests", wang, {**COUNTER, "subject": NOBODY}).json["request_no"]
    post(client, f"/requests/{number}/accept", wang)
    for clerk in (chen, liu):
        assert post(client, f"/requests/{number}/assist", clerk,
                    {"outcome": "not_found"}).status_code == 200
    unsearched = post(client, f"/requests/{number}/complete", wang)
    assert unsearched.status_code == 422 and "query_id" in unsearched.json["errors"]
    everywhere = post(client, f"/requests/{number}/search", wang).json
    assert sorted(n["archive"]["code"] for n in everywhere["nodes"]) == [
        "500116", "500118", "510500"]
    done = post(client, f"/requests/{number}/complete", wang,
                {"query_id": everywhere["query_id"]})
    assert done.status_code == 200, done.json
    assert len(done.json["certificate_nos"]) == 1
    assert done.json["certificate_nos"][0].startswith("510500-")


def test_refusals_carry_their_reason(client):
    wang, chen = login(client, "wang"), login(client, "chen")
    number = post(client, "/requests", wang, COUNTER).json["request_no"]
    no_reason = post(client, f"/requests/{number}/refuse", wang, {})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    assert post(client, f"/requests/{number}/refuse", chen, {"reason": "x"}).status_code == 403
    post(client, f"/requests/{number}/accept", wang)
    declined = post(client, f"/requests/{number}/refuse", chen, {"reason": "本馆无此类档案"})
    assert declined.status_code == 200 and declined.json["state"] == "accepted"
    assert next(a for a in declined.json["holding_archives"]
                if a["code"] == "500118")["state"] == "refused"
    refused = post(client, f"/requests/{number}/refuse", wang, {"reason": "申请人撤回"})
    assert refused.json["state"] == "refused" and refused.json["refusal_reason"] == "申请人撤回"
    assert refused.json["events"][-1]["reason"] == "申请人撤回"
    assert post(client, f"/requests/{number}/accept", wang).status_code == 409


def test_who_may_see_what(client, federation):
    wang, liu = login(client, "wang"), login(client, "liu")
    asked_of_yongchuan = {**COUNTER, "holding_archives": ["500118"]}
    number = post(client, "/requests", wang, asked_of_yongchuan).json["request_no"]
    hidden = client.get(f"{API}/requests/{number}", headers=bearer(liu))
    assert hidden.status_code == 404  # Jiangjin is not involved: it does not exist for it
    assert post(client, f"/requests/{number}/search", liu).status_code == 404
    assert post(client, f"/requests/{number}/assist", liu,
                {"outcome": "not_found"}).status_code == 404
    assert client.get(f"{API}/requests", headers=bearer(liu)).json == []

    citizen = federation.token("citizen", **COUNTER["subject"])
    assert client.get(f"{API}/requests", headers=bearer(citizen)).status_code == 403
    assert client.get(f"{API}/requests/{number}", headers=bearer(citizen)).status_code == 403
    assert client.get(f"{API}/requests").status_code == 401
    chen_at_counter = post(client, "/requests", login(client, "chen"), COUNTER)
    assert chen_at_counter.status_code == 403  # a holding clerk does not file requests


def test_a_counter_application_needs_its_documents(client):
    wang = login(client, "wang")
    missing = post(client, "/requests", wang, {k: v for k, v in COUNTER.items()
                                               if k != "documents"})
    assert missing.status_code == 422 and "documents" in missing.json["errors"]
    empty = post(client, "/requests", wang, {**COUNTER, "documents": []})
    assert empty.status_code == 422 and "documents" in empty.json["errors"]


def test_the_clerk_api_has_its_own_openapi_document(client):
    doc = client.get("/clerk/openapi.json").json
    assert doc["info"]["title"] == "Liancha clerk workbench API"
    paths = set(doc["paths"])
    assert {f"{API}/login", f"{API}/requests", f"{API}/requests/overdue",
            f"{API}/requests/{{request_no}}/accept", f"{API}/requests/{{request_no}}/search",
            f"{API}/requests/{{request_no}}/assist", f"{API}/requests/{{request_no}}/complete",
            f"{API}/requests/{{request_no}}/refuse"} <= paths
    assert not any(path.startswith("/api/v1/queries") for path in paths)
    assert "bearerToken" in doc["components"]["securitySchemes"]
    assert client.get("/clerk/docs").status_code == 200
