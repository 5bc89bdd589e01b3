"""A cross-archive request as its subject follows it in the app: the four steps (申请 受理
协办 办结) with their deadlines, each holding archive's answer, and the history.

Staff privacy: on the clerks' surfaces a history entry names the clerk (`clerk:wang`) and
their roles; a citizen is shown who acted as an institution instead: the archive's name
for a clerk's step, "本人" for their own, the kiosk's archive or the national platform for
theirs. Neither the clerks' usernames nor their roles reach the app.
"""

from collections.abc import Mapping
from datetime import date, datetime

from casework.views import ASSIST_LABELS
from mobile_api.wording import (
    ACTION_LABELS,
    KIOSK,
    NATIONAL_PLATFORM,
    SELF,
    STEP_LABELS,
    UNKNOWN_ACTOR,
)

SUMMARY = ("request_no", "channel", "state", "state_label", "purpose", "receiving_archive",
           "overdue", "certificate_nos")


def summary(view: dict) -> dict:
    """A line of "my requests", from the request view every surface shares."""
    return {**{key: view[key] for key in SUMMARY}, "applied_at": _moment(view["applied_at"]),
            "closed_at": _moment(view["closed_at"])}


def progress(view: dict, names: Mapping[str, str]) -> dict:
    """The whole request as the app shows it to its subject."""
    applicant = view["applicant"]
    return {
        **summary(view),
        "record_types": view["record_types"],
        "note": view["note"],
        "applicant": {"name": applicant.get("name") or view["subject"]["name"],
                      "relation": applicant.get("relation") or "self"},
        "accept_due": _day(view["accept_due"]),
        "accepted_at": _moment(view["accepted_at"]),
        "assist_due": _day(view["assist_due"]),
        "refusal_reason": view["refusal_reason"],
        "steps": steps(view),
        "holding_archives": [
            {key: value for key, value in part.items() if key != "query_id"}
            | {"answered_at": _moment(part["answered_at"])}
            for part in view["holding_archives"]],
        "events": [_event(event, names) for event in view["events"]],
    }


def steps(view: dict) -> list[dict]:
    """Each step done, current or waiting; a refusal ends the step it came in and skips
    the rest."""
    accepted = view["accepted_at"] is not None
    answers = [_moment(part["answered_at"]) for part in view["holding_archives"]]
    answered = all(part["state"] != "pending" for part in view["holding_archives"])
    completed = view["state"] == "completed"
    found = [
        _step("apply", "done", _moment(view["applied_at"]), None),
        _step("accept", "done" if accepted else "current", _moment(view["accepted_at"]),
              _day(view["accept_due"])),
        _step("assist", "waiting" if not accepted else "done" if answered else "current",
              max((a for a in answers if a), default=None) if accepted and answered else None,
              _day(view["assist_due"])),
        _step("complete", "done" if completed else "current" if accepted and answered
              else "waiting", _moment(view["closed_at"]) if completed else None, None),
    ]
    if view["state"] == "refused":
        ended = next(i for i, step in enumerate(found) if step["state"] != "done")
        found[ended] |= {"state": "refused", "at": _moment(view["closed_at"])}
        for step in found[ended + 1:]:
            step["state"] = "skipped"
    return found


def _step(step: str, state: str, at: datetime | None, due: date | None) -> dict:
    return {"step": step, "label": STEP_LABELS[step], "state": state, "at": at, "due": due}


def _event(event: dict, names: Mapping[str, str]) -> dict:
    code = event["archive"]
    return {
        "at": _moment(event["at"]),
        "action": event["action"],
        "action_label": ACTION_LABELS.get(event["action"], event["action"]),
        "actor": _actor(event["role"], code, names),
        "archive": {"code": code, "name": names.get(code, code)} if code else None,
        "from_state": event["from_state"],
        "to_state": event["to_state"],
        # a holding archive's answer without a note is recorded as its outcome code
        "reason": ASSIST_LABELS.get(event["reason"] or "", event["reason"]),
    }


def _actor(role: str, archive: str | None, names: Mapping[str, str]) -> str:
    if role == "citizen":
        return SELF
    if role == "national":
        return NATIONAL_PLATFORM
    name = names.get(archive, UNKNOWN_ACTOR) if archive else UNKNOWN_ACTOR
    return f"{SELF}（{name}{KIOSK}）" if role == "kiosk" else name


def _moment(value: str | datetime | None) -> datetime | None:
    """The request view writes ISO strings (for JSON); the schemas dump datetimes."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _day(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
