"""Who gets in, in what order, and what they are told: in Chinese, as problem+json."""

from federation.identity import mint_national_token
from tests.federation.mobile.conftest import API, App, citizen_app
from tests.federation.test_queries import SUBJECT
from tests.nodes.people import LI_ID

PROBLEM = "application/problem+json"


def test_no_token_or_a_bad_one_is_told_to_sign_in_again(federation):
    for headers in ({}, {"Authorization": "Bearer not-a-token"},
                    {"Authorization": "Basic dXNlcjpwYXNz"}):
        refused = federation.hub.get(f"{API}/archives", headers=headers)
        assert refused.status_code == 401 and refused.mimetype == PROBLEM
        assert refused.json["title"] == "需要验证身份"
        assert refused.json["detail"] == "身份验证未通过或已过期，请在手机应用中重新登录。"
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_only_citizens_are_let_in(federation):
    clerk = App(federation.hub, federation.token())
    national = App(federation.hub, mint_national_token(federation.hub_key, "platform-1"))
    for app in (clerk, national):
        for path in ("/archives", "/certificates", "/requests"):
            refused = app.get(path)
            assert refused.status_code == 403, path
            assert refused.json["title"] == "无权办理"
            assert "仅供市民本人" in refused.json["detail"]
        # refused before the body is read: no 422 for an empty body
        assert app.post("/queries", {}).status_code == 403
    # the identity provider's tokens are for citizens: another role there is not accepted
    kiosk_role = App(federation.hub, federation.token("kiosk", id_number=SUBJECT["id_number"],
                                                      name=SUBJECT["name"]))
    assert kiosk_role.get("/archives").status_code == 401


def test_the_archives_to_choose_from(zhang):
    archives = zhang.get("/archives")
    assert archives.status_code == 200
    assert [(a["code"], a["name"]) for a in archives.json] == [
        ("510500", "泸州市档案馆"), ("500118", "重庆市永川区档案馆"),
        ("500116", "重庆市江津区档案馆")]
    assert archives.json[0]["record_types"] == [
        "marriage", "forestry_right", "sent_down_youth", "employment"]


def test_a_subject_in_the_body_is_refused_not_ignored(zhang):
    other = {"id_number": "500118196001010030", "name": "张国华"}
    for path, body in (("/queries", {"purpose": "工龄认定", "subject": other}),
                       ("/queries", {"purpose": "工龄认定", "subject": SUBJECT}),
                       ("/requests", {"purpose": "工龄认定", "receiving_archive": "510500",
                                      "subject": other})):
        refused = zhang.post(path, body)
        assert refused.status_code == 422, path
        assert refused.json["title"] == "信息有误"
        assert refused.json["detail"] == "填写的信息有误，请按提示修改后再提交。"
        assert "取自您的登录信息" in refused.json["errors"]["subject"][0]
    assert zhang.get("/requests").json == []  # nothing was filed


def test_invalid_fields_are_named_in_chinese(zhang):
    invalid = zhang.post("/queries", {"archives": ["510500"]})
    assert invalid.status_code == 422 and invalid.mimetype == "application/problem+json"
    assert invalid.json["errors"] == {"purpose": ["此项必填。"], "archives": ["不认识的填写项。"]}
    no_records = zhang.post("/certificates", {"query_id": "x", "record_ids": [],
                                              "purpose": "婚姻证明"})
    assert no_records.json["errors"] == {"record_ids": ["请至少选择一条档案记录。"]}
    reversed_window = zhang.post("/queries", {"purpose": "工龄认定", "event_date_from": "1990",
                                              "event_date_to": "1980"})
    assert reversed_window.json["errors"] == {
        "event_date_to": ["结束日期早于起始日期，请重新选择年份范围。"]}
    far = zhang.post("/queries", {"purpose": "工龄认定", "event_date_from": "2990"})
    assert "1800年至2100年" in far.json["errors"]["event_date_from"][0]
    no_day = zhang.post("/queries", {"purpose": "工龄认定", "event_date_to": "1990-02-30"})
    assert no_day.json["errors"] == {"event_date_to": ["没有这一天，请核对日期。"]}
    odd = zhang.post("/queries", {"purpose": "工龄认定", "record_types": "marriage"})
    assert all(any("\u4e00" <= c <= "\u9fff" for c in message)  # never English
               for messages in odd.json["errors"].values() for message in messages)
    no_archive = zhang.post("/requests", {"purpose": "工龄认定"})
    assert no_archive.json["errors"] == {"receiving_archive": ["请从档案馆列表中选择受理档案馆。"]}


def test_a_citizen_over_the_limit_waits_and_others_do_not(federation, limited_hub):
    zhang = citizen_app(federation, SUBJECT["id_number"], SUBJECT["name"], limited_hub)
    li = citizen_app(federation, LI_ID, "李秀英", limited_hub)
    assert [zhang.get("/archives").status_code for _ in range(3)] == [200, 200, 200]
    limited = zhang.get("/requests")
    assert limited.status_code == 429 and limited.mimetype == PROBLEM
    assert limited.json["title"] == "操作过于频繁"
    assert limited.json["detail"] == "操作过于频繁，请稍候一分钟再试。"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60  # the oldest call leaves the window
    # a new token of the same person is the same identity: the limit follows the person
    again = citizen_app(federation, SUBJECT["id_number"], SUBJECT["name"], limited_hub)
    assert again.get("/archives").status_code == 429
    assert li.get("/archives").status_code == 200


def test_the_openapi_document_lists_exactly_the_app_api(federation):
    spec = federation.hub.get("/mobile/openapi.json").json
    assert spec["info"]["title"] == "Liancha mobile app API"
    assert set(spec["paths"]) == {
        f"{API}/queries", f"{API}/queries/{{query_id}}",
        f"{API}/certificates", f"{API}/certificates/{{certificate_no}}",
        f"{API}/certificates/{{certificate_no}}/pdf",
        f"{API}/requests", f"{API}/requests/{{request_no}}", f"{API}/archives"}
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    operations = [(path, method, operation) for path, item in spec["paths"].items()
                  for method, operation in item.items() if method != "parameters"]
    assert len(operations) == 10
    for path, method, operation in operations:
        assert any(code.startswith("2") for code in operation["responses"]), (path, method)
        assert operation["security"] == [{"bearerToken": []}], (path, method)
        assert {"401", "403", "429"} <= set(operation["responses"]), (path, method)
    pdf = spec["paths"][f"{API}/certificates/{{certificate_no}}/pdf"]["get"]["responses"]
    assert pdf["200"]["content"]["application/pdf"]["schema"] == {
        "type": "string", "format": "binary"}
    query = spec["components"]["schemas"]["MyQuery"]["properties"]
    assert "purpose" in query and "subject" not in query and "archives" not in query
    application = spec["components"]["schemas"]["MyApplication"]["properties"]
    assert {"receiving_archive", "query_id", "purpose"} <= set(application)
    assert all(path.startswith(f"{API}/") for path in spec["paths"])
    for ref in references(spec):  # every reference resolves inside the document
        section, name = ref.removeprefix("#/components/").split("/")
        assert name in spec["components"][section], ref
    hub_paths = federation.hub.get("/openapi.json").json["paths"]
    assert not [path for path in hub_paths if path.startswith("/mobile")]


def references(node: object) -> list[str]:
    if isinstance(node, dict):
        return ([node["$ref"]] if "$ref" in node else []) + [
            ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in references(value)]
    return []
