"""The citizen's view of a request, from the request view alone (no database needed)."""

from mobile_api.progress import progress, steps

NAMES = {"510500": "泸州市档案馆", "500118": "重庆市永川区档案馆"}


def view(state: str, parts: list[str], accepted: bool = True, closed: bool = False,
         events: list[dict] | None = None) -> dict:
    return {
        "request_no": "SQ510500-2026-00001", "channel": "kiosk", "state": state,
        "state_label": "x", "subject": {"id_number": "510500195203040014", "name": "张国华"},
        "applicant": {"name": "张国华", "id_number": "510500195203040014",
                      "relation": "self"}, "documents": [], "record_types": ["employment"],
        "purpose": "工龄认定", "note": None,
        "receiving_archive": {"code": "510500", "name": "泸州市档案馆"},
        "applied_at": "2026-11-02T01:00:00+00:00", "accept_due": "2026-11-04",
        "accepted_at": "2026-11-03T01:00:00+00:00" if accepted else None,
        "assist_due": "2026-11-09" if accepted else None,
        "closed_at": "2026-11-06T01:00:00+00:00" if closed else None, "refusal_reason": None,
        "certificate_nos": [], "overdue": False,
        "holding_archives": [{"code": code, "name": code, "state": part, "state_label": part,
                              "answered_at": None if part == "pending"
                              else "2026-11-05T01:00:00+00:00", "certificate_no": None,
                              "query_id": "q" if part == "found" else None, "note": None}
                             for code, part in zip(("500118", "500116"), parts, strict=False)],
        "events": events or [], "client_id": None, "idempotency_key": None,
    }


def by_step(found: list[dict]) -> dict[str, str]:
    return {step["step"]: step["state"] for step in found}


def test_a_refusal_while_archives_search_ends_the_search_step():
    refused = steps(view("refused", ["found", "pending"], closed=True))
    assert by_step(refused) == {"apply": "done", "accept": "done", "assist": "refused",
                                "complete": "skipped"}
    assert refused[2]["at"].isoformat() == "2026-11-06T01:00:00+00:00"


def test_a_refusal_once_every_archive_answered_ends_the_completion():
    refused = steps(view("refused", ["found", "refused"], closed=True))
    assert by_step(refused) == {"apply": "done", "accept": "done", "assist": "done",
                                "complete": "refused"}
    assert refused[2]["at"].isoformat() == "2026-11-05T01:00:00+00:00"  # the last answer


def test_kiosk_and_platform_steps_name_no_one():
    events = [{"at": "2026-11-02T01:00:00+00:00", "actor": "kiosk:KS-01", "role": "kiosk",
               "action": "apply", "archive": "510500", "from_state": None,
               "to_state": "applied", "reason": None},
              {"at": "2026-11-03T01:00:00+00:00", "actor": "national:gov", "role": "national",
               "action": "apply", "archive": None, "from_state": None,
               "to_state": "applied", "reason": None},
              {"at": "2026-11-04T01:00:00+00:00", "actor": "clerk:chen",
               "role": "clerk:holding", "action": "decline", "archive": "500118",
               "from_state": "accepted", "to_state": "accepted", "reason": "not_found"}]
    shown = progress(view("accepted", ["refused"], events=events), NAMES)
    assert [(e["actor"], e["action_label"]) for e in shown["events"]] == [
        ("本人（泸州市档案馆自助查询机）", "提交申请"), ("全国档案查询利用服务平台", "提交申请"),
        ("重庆市永川区档案馆", "不予协办")]
    assert shown["events"][2]["reason"] == "未查到"
    assert "KS-01" not in str(shown) and "chen" not in str(shown)
    assert shown["applicant"] == {"name": "张国华", "relation": "self"}
    assert "query_id" not in shown["holding_archives"][0]
