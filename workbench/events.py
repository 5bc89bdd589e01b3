"""A request's history (办理记录) as a clerk reads it: each step with who took it, by
archive, post and name (泸州市档案馆 受理人员 王芳), not as the identity strings and
action codes the history stores for the audit chain and the API (`clerk:wang`, `accept`).

A clerk is named with the post the step was taken in (accepting is a receiving clerk's
step, searching a holding clerk's), or as administrator when that was the role that
allowed it. A person acting for themselves is 申请人本人: the request's page names them
already, and the app and the kiosk only let people apply for themselves.
"""

from collections.abc import Mapping

from casework.views import ASSIST_LABELS, STATE_LABELS
from workbench import wording

RECEIVING_STEPS = {"apply", "accept", "complete", "refuse"}  # the others: a holding archive's


def rows(view: dict, archives: Mapping[str, str], callers: Mapping[str, str]) -> list[dict]:
    """One row per step: at, step, who, the state it left the request in, its note.
    `archives` names the archives by code, `callers` the clerks and platform clients by
    subject (`accounts.names`)."""
    outcomes = {part["code"]: part["state"] for part in view["holding_archives"]}
    return [{"at": event["at"], "step": _step(event, outcomes),
             "who": _who(event, view["receiving_archive"]["code"], archives, callers),
             "state": _state(event), "note": _note(event)}
            for event in view["events"]]


def _step(event: dict, outcomes: Mapping[str, str]) -> str:
    action = event["action"]
    if action == "refuse" and event["from_state"] == "applied":
        return wording.REFUSED_AT_ONCE
    word = wording.ACTION_WORDS.get(action, wording.OTHER_STEP)
    outcome = outcomes.get(event["archive"] or "")
    if action == "assist" and outcome in ("found", "not_found"):
        return f"{word}（{ASSIST_LABELS[outcome]}）"
    return word


def _who(event: dict, receiving: str, archives: Mapping[str, str],
         callers: Mapping[str, str]) -> str:
    role, actor = event["role"], event["actor"]
    archive = archives.get(event["archive"] or receiving, "")
    if role == "citizen":
        return f"{wording.APPLICANT_SELF}（{wording.CHANNEL_WORDS['app']}）"
    if role == "kiosk":
        return f"{wording.APPLICANT_SELF}（{archive}{wording.KIOSK}）"
    if role == "national":
        return callers.get(actor, wording.NATIONAL_PLATFORM)
    if role.startswith("clerk:"):
        name = callers.get(actor, actor.removeprefix("clerk:"))
        return f"{archive} {_post(event['action'], set(role[6:].split(',')))} {name}"
    return wording.OTHER_ACTOR


def _post(action: str, roles: set[str]) -> str:
    """The clerk's post for this step: the role it belongs to, or administrator."""
    needed = "receiving" if action in RECEIVING_STEPS else "holding"
    if needed not in roles and "admin" in roles:
        needed = "admin"
    return wording.POST_WORDS[needed]


def _state(event: dict) -> str:
    """Where the step left the request (where it came from is the row above)."""
    return STATE_LABELS.get(event["to_state"], "")


def _note(event: dict) -> str:
    """The step's reason or note; an answer without a note stores its outcome code, which
    the step already says."""
    reason = event["reason"] or ""
    return "" if event["action"] == "assist" and reason in ASSIST_LABELS else reason
