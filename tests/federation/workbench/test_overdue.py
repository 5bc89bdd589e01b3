"""The overdue list: late acceptances and late searches, counted in working days of the
hub's holiday calendar (`HOLIDAY_CALENDAR`), on a given day."""

from datetime import date, datetime, timedelta
from pathlib import Path

from casework.calendar import WorkingCalendar, local_date
from federation.app import create_app as create_hub
from tests.federation.workbench.conftest import COUNTER, bearer, login

API = "/clerk/api/v1"
PLAIN = WorkingCalendar()  # the national calendar only, as the default hub counts


def overdue(client, token: str, as_of: date) -> list[str]:  # type: ignore[no-untyped-def]
    answer = client.get(f"{API}/requests/overdue?as_of={as_of.isoformat()}",
                        headers=bearer(token))
    assert answer.status_code == 200, answer.json
    return [r["request_no"] for r in answer.json]


def hub_with_calendar(hub, path: Path):  # type: ignore[no-untyped-def]
    """The same federation and database, with the archive's own calendar file."""
    same = {key: hub.config[key] for key in ("NODES", "DATABASE_URL", "SIGNING_KEY",
                                             "IDENTITY_PUBLIC_KEY", "CERTIFICATE_KEYS")}
    return create_hub({**same, "HOLIDAY_CALENDAR": path}).test_client()


def test_a_local_holiday_moves_the_acceptance_due_date(hub, clerks, tmp_path: Path):
    today = local_date()  # due dates count in China's date, whatever the hour in UTC
    closed = PLAIN.add_working_days(today, 1)  # the archive closes on the next working day
    calendar_file = tmp_path / "holidays.yaml"
    calendar_file.write_text(f"holidays:\n  - {closed.isoformat()}\nworkdays: []\n", "utf-8")
    local, default = hub_with_calendar(hub, calendar_file), hub.test_client()
    wang = login(default, "wang")

    with_holiday = local.post(f"{API}/requests", json=COUNTER, headers=bearer(wang)).json
    without = default.post(f"{API}/requests", json=COUNTER, headers=bearer(wang)).json
    applied_on = local_date(datetime.fromisoformat(with_holiday["applied_at"]))
    assert without["accept_due"] == PLAIN.add_working_days(applied_on, 2).isoformat()
    assert with_holiday["accept_due"] == PLAIN.add_working_days(applied_on, 3).isoformat()

    due = date.fromisoformat(with_holiday["accept_due"])
    assert overdue(default, wang, due) == [without["request_no"]]  # a day later than the other
    day_after = due + timedelta(days=1)
    assert overdue(default, wang, day_after) == [with_holiday["request_no"],
                                                 without["request_no"]]
    assert overdue(default, login(default, "chen"), day_after) == []  # it owes no acceptance


def test_a_late_search_is_the_holding_archives_and_shows_on_the_page(hub, clerks):
    client = hub.test_client()
    wang, chen, liu = login(client, "wang"), login(client, "chen"), login(client, "liu")
    number = client.post(f"{API}/requests", json=COUNTER, headers=bearer(wang)).json["request_no"]
    accepted = client.post(f"{API}/requests/{number}/accept", json={},
                           headers=bearer(wang)).json
    assist_due = date.fromisoformat(accepted["assist_due"])
    client.post(f"{API}/requests/{number}/assist", json={"outcome": "not_found"},
                headers=bearer(liu))
    late = assist_due + timedelta(days=1)
    assert overdue(client, chen, assist_due) == []
    assert overdue(client, chen, late) == [number]  # Yongchuan has not answered
    assert overdue(client, liu, late) == []  # Jiangjin answered in time
    assert overdue(client, wang, late) == []  # accepted in time; the search is not Luzhou's

    client.set_cookie("liancha_clerk", chen, path="/workbench")
    page = client.get(f"/workbench/overdue?as_of={late.isoformat()}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert number in html and "超期" in html and "请本馆协办的申请" in html
    assert number not in client.get(
        f"/workbench/overdue?as_of={assist_due.isoformat()}").get_data(as_text=True)
