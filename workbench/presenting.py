"""What the workbench pages show of a request for one clerk: the queue's rows, the steps
this clerk may take now, and a search's candidate records. No rules are decided here: the
casework services decide; this only spares the clerk buttons that would be refused."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from certificates.wording import RECORD_TYPE_WORDS, record_summary
from federation.identity import Identity

CHINA = timezone(timedelta(hours=8), "北京时间")
STATE_ORDER = ("applied", "accepted", "completed", "refused")
DECIDED_WORDS = {"confirmed": "已确认属于申请人", "rejected": "已确认不属于申请人"}


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


def to_confirm(candidate: dict) -> dict:
    """A record a request asks this archive to confirm, as the page lists it."""
    record = candidate["record"] or {}
    decision = candidate["decision"]
    return {**candidate, "summary": record_summary(record) if record else candidate["record_id"],
            "kind": RECORD_TYPE_WORDS.get(record.get("record_type", ""), ""),
            "file_no": (record.get("reference") or {}).get("file_no"),
            "name": _party_name(record, candidate["party"]),
            "decided": None if decision is None else DECIDED_WORDS[decision["decision"]],
            "verdict": _odds_sentence(candidate)}


def _odds_sentence(candidate: dict) -> str:
    """How sure the hub was, in words a clerk reads at a glance."""
    if any(reason["weight"] == "-inf" for reason in candidate["reasons_against"]):
        return "有须人工核实的情形（见存疑的证据），不能自动显示。"
    odds = candidate["odds"]
    if odds is None:
        return ""
    ratio = "不足1比1" if odds < 0 else f"约{_round(10 ** odds)}比1"
    return f"综合证据：属于申请人的可能性{ratio}；须达到1000比1方自动显示。"


def _round(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{round(value):,}"


def _party_name(record: dict, index: int) -> str:
    parties = record.get("parties") or []
    party = parties[index] if index < len(parties) else {}
    return str(party.get("name_raw") or party.get("name") or "")


def cn_time(value: str | None) -> str:
    """An ISO time as a clerk in China reads it."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
