"""Reminders of the procedure's deadlines: once when a step falls due by the next working
day, once more when it is overdue, to the archive that owes it, until the step is taken."""

from datetime import date, timedelta

from casework.reminders import open_reminders, send_reminders
from casework.services import apply_request
from casework.transitions import accept_request
from federation.identity import Identity
from tests.federation.casework.test_workflow import COUNTER, LUZHOU, YONGCHUAN, hub  # noqa: F401

RECEIVING_ONLY = Identity("clerk:zhao", "clerk", archive="510500",
                          roles=frozenset({"receiving"}))


def test_each_step_is_reminded_once_when_due_and_once_when_overdue(hub):  # noqa: F811
    session, settings, _, _ = hub
    calendar = settings.calendar
    applied = apply_request(session, settings, calendar, LUZHOU, COUNTER)
    number, due = applied["request_no"], date.fromisoformat(applied["accept_due"])
    the_day_before = due - timedelta(days=1)
    while not calendar.is_working_day(the_day_before):
        the_day_before -= timedelta(days=1)

    assert send_reminders(session, calendar, today=due - timedelta(days=30)) == []
    [soon] = send_reminders(session, calendar, today=the_day_before)
    assert (soon.request_no, soon.archive_code, soon.stage, soon.kind, soon.due) == (
        number, "510500", "accept", "due_soon", due)
    assert send_reminders(session, calendar, today=due) == []  # told already
    assert [(r["request_no"], r["kind"]) for r in open_reminders(session, RECEIVING_ONLY)] == [
        (number, "due_soon")]

    late = calendar.add_working_days(due, 1)
    [overdue] = send_reminders(session, calendar, today=late)
    assert overdue.kind == "overdue" and overdue.stage == "accept"
    assert send_reminders(session, calendar, today=late + timedelta(days=3)) == []
    [shown] = open_reminders(session, LUZHOU)
    assert (shown["kind"], shown["stage_label"]) == ("overdue", "受理")
    assert open_reminders(session, YONGCHUAN) == []  # not Yongchuan's step

    accepted = accept_request(session, settings, calendar, LUZHOU, number)
    assert open_reminders(session, LUZHOU) == []  # the step was taken
    search_due = date.fromisoformat(accepted["assist_due"])
    reminded = send_reminders(session, calendar, today=search_due)
    assert sorted((r.archive_code, r.stage, r.kind) for r in reminded) == [
        ("500116", "assist", "due_soon"), ("500118", "assist", "due_soon")]
    assert [r["stage"] for r in open_reminders(session, YONGCHUAN)] == ["assist"]


def test_the_workbench_shows_the_archives_reminders(federation):
    app = federation.hub.application
    settings = app.extensions["liancha.hub"]
    with app.app_context(), app.extensions["liancha.db"].session() as session:
        number = apply_request(session, settings, settings.calendar, LUZHOU,
                               COUNTER)["request_no"]
        send_reminders(session, settings.calendar, today=date.today() + timedelta(days=30))
    token = federation.token(roles="receiving")
    listed = federation.hub.get("/clerk/api/v1/requests/reminders",
                                headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert [(r["request_no"], r["kind"]) for r in listed.json] == [(number, "overdue")]
    browser = app.test_client()
    browser.set_cookie("liancha_clerk", token, path="/workbench")
    page = browser.get("/workbench/").get_data(as_text=True)
    assert "办理提醒" in page and number in page and "受理已超期" in page
