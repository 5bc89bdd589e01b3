"""What the workbench pages show of a request for one clerk: the queue's rows, the steps
this clerk may take now, and a search's candidate records. No rules are decided here: the
casework services decide; this only spares the clerk buttons that would be refused."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from certificates.wording import RECORD_TYPE_WORDS, record_summary
from federation.identity import Identity

CHINA = timezone(timedelta(hours=8), "北京时间")
STATE_ORDER = ("applied", "accepted", "completed", "refused")


@dataclass(frozen=True)
class Actions:
    accept: bool = False  # 受理 / 不予受理
    refuse: bool = False  # 不予办理 (receiving archive, before completion)
    search_own: bool = False  # 检索本馆 → 协办：查到 / 未查到, or 不予协办
    complete: bool = False  # 办结
    search_all: bool = False  # 检索全部 first: no archive found anything (无档案记载证明)

    @property
    def any(self) -> bool:
        return any((self.accept, self.refuse, self.search_own, self.complete))


def actions(view: dict, identity: Identity) -> Actions:
    receiving = view["receiving_archive"]["code"] == identity.archive \
        and bool(identity.roles & {"receiving", "admin"})
    ours = our_part(view, identity)
    holding = ours is not None and bool(identity.roles & {"holding", "admin"})
    state = view["state"]
    answered = all(part["state"] != "pending" for part in view["holding_archives"])
    complete = receiving and state == "accepted" and answered
    return Actions(
        accept=receiving and state == "applied",
        refuse=receiving and state in ("applied", "accepted"),
        search_own=holding and state == "accepted" and ours is not None
        and ours["state"] == "pending",
        complete=complete,
        search_all=complete and not view["certificate_nos"],
    )


def our_part(view: dict, identity: Identity) -> dict | None:
    return next((part for part in view["holding_archives"]
                 if part["code"] == identity.archive), None)


def queue(views: list[dict], identity: Identity) -> dict[str, list[dict]]:
    """The archive's work in two lists, received and asked of it, open states first."""
    rows: dict[str, list[dict]] = {"received": [], "asked": []}
    for view in sorted(views, key=lambda v: STATE_ORDER.index(v["state"])):
        ours = our_part(view, identity)
        if view["receiving_archive"]["code"] == identity.archive:
            due = view["accept_due"] if view["state"] == "applied" else view["assist_due"]
            rows["received"].append(_row(view, due, view["overdue"], None))
        if ours is not None:
            late = view["overdue"] and ours["state"] == "pending"
            rows["asked"].append(_row(view, view["assist_due"], late, ours))
    return rows


def _row(view: dict, due: str | None, late: bool, ours: dict | None) -> dict:
    open_ = view["state"] in ("applied", "accepted")
    return {"view": view, "due": due if open_ else None, "late": late, "ours": ours}


def candidates(answer: dict, identity: Identity) -> list[dict]:
    """A search's records, each marked whether this archive may certify it (its own)."""
    return [{"record_id": record["record_id"],
             "kind": RECORD_TYPE_WORDS.get(record["record_type"], record["record_type"]),
             "archive": record["archive"]["name"],
             "file_no": (record.get("reference") or {}).get("file_no"),
             "summary": record_summary(record),
             "score": record["match"]["score"],
             "ours": record["archive"]["code"] == identity.archive}
            for record in answer["records"]]


def cn_time(value: str | None) -> str:
    """An ISO time as a clerk in China reads it."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
