"""The cross-archive request through the services: 申请 → 受理 → 协办 → 办结, or refusal."""

from datetime import date, datetime

import pytest

from casework.calendar import WorkingCalendar, local_date
from casework.services import apply_request, get_request, list_requests, overdue_requests
from casework.transitions import (
    WrongState,
    accept_request,
    assist_request,
    complete_request,
    refuse_request,
    search_for_request,
)
from federation.audit import verify_chain
from federation.errors import PermissionDenied
from federation.identity import Identity
from tests.federation.test_queries import SUBJECT

LUZHOU = Identity("clerk:wang", "clerk", archive="510500",
                  roles=frozenset({"receiving", "holding"}))
YONGCHUAN = Identity("clerk:chen", "clerk", archive="500118", roles=frozenset({"holding"}))
JIANGJIN = Identity("clerk:liu", "clerk", archive="500116", roles=frozenset({"holding"}))
COUNTER = {"subject": SUBJECT, "purpose": "退休工龄认定",
           "applicant": {"name": "张小华", "relation": "child"},
           "documents": [{"kind": "id_card", "number": SUBJECT["id_number"]},
                         {"kind": "letter_of_authorization", "note": "signed 2026-11-20"}],
           "holding_archives": ["500118", "500116"]}


@pytest.fixture
def hub(federation):  # type: ignore[no-untyped-def]
    app = federation.hub.application
    with app.app_context():
        session = app.extensions["liancha.db"].session()
        yield (session, app.extensions["liancha.hub"], app.extensions["liancha.fanout"],
               app.extensions["liancha.certificate_keys"])
        session.close()


def test_a_counter_request_goes_through_every_step(hub):
    session, settings, fanout, keyring = hub
    applied = apply_request(session, settings, settings.calendar, LUZHOU, COUNTER)
    number = applied["request_no"]
    assert applied["state"] == "applied" and applied["channel"] == "counter"
    assert number.startswith("SQ510500-")
    assert [a["code"] for a in applied["holding_archives"]] == ["500116", "500118"]

    with pytest.raises(PermissionDenied):  # a holding archive does not accept
        accept_request(session, settings, settings.calendar, YONGCHUAN, number)
    accepted = accept_request(session, settings, settings.calendar, LUZHOU, number, "材料齐全")
    assert accepted["state"] == "accepted" and accepted["assist_due"]

    answer = search_for_request(session, settings, fanout, YONGCHUAN, number)
    assert [n["archive"]["code"] for n in answer["nodes"]] == ["500118"]
    found = [r["record_id"] for r in answer["records"] if r["record_id"].endswith("YC-E-1978")]
    assisted = assist_request(session, settings, keyring, YONGCHUAN, number,
                              {"outcome": "found", "query_id": answer["query_id"],
                               "record_ids": found})
    yongchuan = next(a for a in assisted["holding_archives"] if a["code"] == "500118")
    assert yongchuan["state"] == "found" and yongchuan["certificate_no"].startswith("500118-")

    with pytest.raises(WrongState):  # Jiangjin has not answered
        complete_request(session, settings, keyring, LUZHOU, number, {})
    assist_request(session, settings, keyring, JIANGJIN, number, {"outcome": "not_found",
                                                                  "note": "未查到"})
    done = complete_request(session, settings, keyring, LUZHOU, number, {"note": "已邮寄"})
    assert done["state"] == "completed"
    assert done["certificate_nos"] == [yongchuan["certificate_no"]]
    assert [e["action"] for e in done["events"]] == ["apply", "accept", "assist", "assist",
                                                     "complete"]
    assert all(e["actor"] and e["at"] for e in done["events"])
    assert verify_chain(session).ok

    citizen = Identity(f"citizen:{SUBJECT['id_number']}", "citizen", **SUBJECT)
    assert get_request(session, settings, citizen, number)["state"] == "completed"
    assert [r["request_no"] for r in list_requests(session, settings, citizen)] == [number]
    stranger = Identity("citizen:x", "citizen", id_number="110101199003077777", name="李四")
    assert list_requests(session, settings, stranger) == []


def test_a_refusal_ends_the_request_with_its_reason(hub):
    session, settings, _, _ = hub
    number = apply_request(session, settings, settings.calendar, LUZHOU, COUNTER)["request_no"]
    refused = refuse_request(session, settings, LUZHOU, number, "授权委托书不完整")
    assert refused["state"] == "refused" and refused["refusal_reason"] == "授权委托书不完整"
    with pytest.raises(WrongState):
        accept_request(session, settings, settings.calendar, LUZHOU, number)


def test_overdue_counts_working_days_with_the_holiday_calendar(hub):
    session, settings, _, _ = hub
    calendar = WorkingCalendar()
    applied = apply_request(session, settings, calendar, LUZHOU, COUNTER)
    due = date.fromisoformat(applied["accept_due"])
    applied_on = local_date(datetime.fromisoformat(applied["applied_at"]))  # China's date
    assert calendar.working_days_between(applied_on, due) == 2
    assert overdue_requests(session, settings, LUZHOU, today=due) == []
    late = overdue_requests(session, settings, LUZHOU,
                            today=calendar.add_working_days(due, 1))
    assert [r["request_no"] for r in late] == [applied["request_no"]]
    assert overdue_requests(session, settings, YONGCHUAN,
                            today=calendar.add_working_days(due, 1)) == []


def test_national_holidays_and_makeup_workdays_count():
    calendar = WorkingCalendar()
    # 2026-09-30 (Wednesday) + 2 working days: 1–7 October is the National Day holiday,
    # and Saturday 10 October is worked in its place
    assert calendar.add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 9)
    local = WorkingCalendar(holidays=frozenset({date(2026, 10, 9)}))
    assert local.add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 10)
