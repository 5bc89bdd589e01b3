"""Reminders of the regional procedure's deadlines (job `send_reminders`).

An archive owes a step: the receiving archive its acceptance (受理, 2 working days), each
holding archive its search (协办, 4 working days). When a step falls due within the next
working day, the archive that owes it is reminded once (`due_soon`), and once more when it
is overdue (`overdue`). Reminders are kept (one per request, archive, step and kind: a job
run twice reminds once), logged, and shown to that archive's clerks in the workbench
until the step is taken.
"""

import logging
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.calendar import WorkingCalendar, local_date
from casework.models import CaseRequest, Reminder, RequestAssist
from federation.identity import Identity
from federation.permissions import require

log = logging.getLogger(__name__)
STAGES = {"accept": "受理", "assist": "协办"}


def send_reminders(session: Session, calendar: WorkingCalendar,
                   today: date | None = None) -> list[Reminder]:
    """Remind every archive of the steps it owes that fall due by the next working day."""
    today = today or local_date()
    horizon = calendar.add_working_days(today, 1)
    owed = _owed(session, horizon)
    told = set(session.execute(
        select(Reminder.request_no, Reminder.archive_code, Reminder.stage, Reminder.kind)
        .where(Reminder.request_no.in_({request_no for request_no, *_ in owed}))))
    new = []
    for request_no, archive, stage, due in owed:
        kind = "overdue" if due < today else "due_soon"
        if (request_no, archive, stage, kind) in told:
            continue
        new.append(Reminder(request_no=request_no, archive_code=archive, stage=stage, kind=kind,
                            due=due, created_at=datetime.now(UTC)))
    session.add_all(new)
    try:
        session.commit()
    except IntegrityError:  # another run reminded of the same steps just now
        session.rollback()
        return []
    for reminder in new:
        log.info("reminder: request %s, %s by archive %s %s %s", reminder.request_no,
                 reminder.stage, reminder.archive_code,
                 "was due" if reminder.kind == "overdue" else "is due", reminder.due)
    return new


def open_reminders(session: Session, identity: Identity) -> list[dict]:
    """The reminders of the clerk's archive whose step has not been taken yet."""
    require(identity, "reminder.list")
    still_owed = {(request_no, archive, stage) for request_no, archive, stage, _ in
                  _owed(session, date.max)}
    reminders = session.scalars(select(Reminder)
                                .where(Reminder.archive_code == identity.archive)
                                .order_by(Reminder.due, Reminder.request_no, Reminder.id))
    latest: dict[tuple[str, str], Reminder] = {}
    for reminder in reminders:  # an overdue reminder replaces the due-soon one
        if (reminder.request_no, reminder.archive_code, reminder.stage) in still_owed:
            latest[(reminder.request_no, reminder.stage)] = reminder
    return [{"request_no": r.request_no, "stage": r.stage, "stage_label": STAGES[r.stage],
             "kind": r.kind, "due": r.due, "reminded_at": r.created_at}
            for r in latest.values()]


def _owed(session: Session, horizon: date) -> list[tuple[str, str, str, date]]:
    """(request, archive, step, due date) of every step not taken and due by `horizon`."""
    acceptances = session.execute(
        select(CaseRequest.request_no, CaseRequest.receiving_archive, CaseRequest.accept_due)
        .where(CaseRequest.state == "applied", CaseRequest.accept_due <= horizon))
    searches = session.execute(
        select(CaseRequest.request_no, RequestAssist.archive_code, CaseRequest.assist_due)
        .join(RequestAssist, RequestAssist.request_no == CaseRequest.request_no)
        .where(CaseRequest.state == "accepted", RequestAssist.state == "pending",
               CaseRequest.assist_due <= horizon))
    return ([(no, archive, "accept", due) for no, archive, due in acceptances]
            + [(no, archive, "assist", due) for no, archive, due in searches if due])
