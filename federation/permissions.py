"""The permission matrix: which kind of caller may take which action.

`MATRIX` is the one statement of it; `docs/permissions.md` prints it (a test keeps the two
equal) and the services call `require` before acting. The matrix says *who* may act; the
services add *on what* (a citizen's own records, a clerk's own archive, a client's own
requests), written beside each action in `SCOPES`.
"""

from federation.errors import PermissionDenied
from federation.identity import Identity

CITIZEN, KIOSK, NATIONAL = "citizen", "kiosk", "national"
RECEIVING, HOLDING, ADMIN = "clerk.receiving", "clerk.holding", "clerk.admin"
PRINCIPALS = (CITIZEN, KIOSK, RECEIVING, HOLDING, ADMIN, NATIONAL)
CLERKS = frozenset({RECEIVING, HOLDING, ADMIN})

MATRIX: dict[str, frozenset[str]] = {
    "query.self": frozenset({CITIZEN, KIOSK}),
    "query.subject": CLERKS,
    "query.read": frozenset({CITIZEN, KIOSK}) | CLERKS,
    "certificate.self_issue": frozenset({CITIZEN, KIOSK}),
    "certificate.issue": frozenset({HOLDING, ADMIN}),
    "certificate.read": frozenset({CITIZEN, KIOSK, NATIONAL}) | CLERKS,
    "certificate.revoke": frozenset({ADMIN}),
    "certificate.batch": frozenset({HOLDING, ADMIN}),
    "certificate.no_record": frozenset({RECEIVING, ADMIN}),
    "request.apply": frozenset({CITIZEN, KIOSK, RECEIVING, ADMIN, NATIONAL}),
    "request.read": frozenset({CITIZEN, KIOSK, NATIONAL}) | CLERKS,
    "request.list": CLERKS,
    "request.accept": frozenset({RECEIVING, ADMIN}),
    "request.assist": frozenset({HOLDING, ADMIN}),
    "request.complete": frozenset({RECEIVING, ADMIN}),
    "request.refuse": CLERKS,
    "candidate.read": frozenset({HOLDING, ADMIN}),
    "candidate.decide": frozenset({HOLDING, ADMIN}),
    "reminder.list": CLERKS,
    "node.health": CLERKS,
}

SCOPES: dict[str, str] = {
    "query.self": "the subject is the caller (from the token or the ID card), never the body",
    "query.subject": "any named subject, in the name of the clerk's archive; audited",
    "query.read": "its author; clerks of the author's archive",
    "certificate.self_issue": "records of the caller's own query in which they are a party, "
                              "held by one archive (at a kiosk: the kiosk's archive)",
    "certificate.issue": "from a query of the clerk's archive, in that archive's name",
    "certificate.read": "its holder; clerks of the issuing archive; the platform client "
                        "whose request it completes",
    "certificate.revoke": "certificates of the clerk's archive",
    "certificate.batch": "batches of the clerk's archive, from its queries, in its name",
    "certificate.no_record": "only in completing (办结) a request received by the clerk's "
                             "archive that no archive found anything for, from a search made "
                             "for it of every archive and record type of the request; the "
                             "certificate states what was searched",
    "request.apply": "citizen and kiosk: for themselves; clerk: at their archive's counter; "
                     "national: with the requester's authorization documents",
    "request.read": "its subject; clerks of its receiving or holding archives; the platform "
                    "client that submitted it",
    "request.list": "requests received by, or asked of, the clerk's archive",
    "request.accept": "requests received by the clerk's archive",
    "request.assist": "requests that ask the clerk's archive to search",
    "request.complete": "requests received by the clerk's archive, once every holding "
                        "archive has answered",
    "request.refuse": "receiving archive: before completion; holding archive: while it is "
                      "asked to search",
    "candidate.read": "records a request asks the clerk's archive to confirm as its "
                      "subject's, held by that archive, with the evidence for and against",
    "candidate.decide": "those records, while the archive's part of the request is open; "
                        "the subject's later queries follow the decision; audited",
    "reminder.list": "steps the clerk's archive owes that fall due or are overdue",
    "node.health": "every archive of the federation (status only, no records)",
}


def principals(identity: Identity) -> frozenset[str]:
    if identity.role == "clerk":
        return frozenset(f"clerk.{role}" for role in identity.roles)
    return frozenset({identity.role})


def allowed(identity: Identity, action: str) -> bool:
    return bool(principals(identity) & MATRIX[action])


def require(identity: Identity, action: str) -> None:
    if not allowed(identity, action):
        who = ", ".join(sorted(MATRIX[action]))
        mine = ", ".join(sorted(principals(identity))) or identity.role
        raise PermissionDenied(f"{action} is not allowed for {mine}; it is for: {who}.")


def matrix_markdown() -> str:
    """The matrix as the table `docs/permissions.md` prints (a test keeps them equal)."""
    header = "| action | " + " | ".join(PRINCIPALS) + " | on what |"
    lines = [header, "|" + "---|" * (len(PRINCIPALS) + 2)]
    for action, who in MATRIX.items():
        marks = " | ".join("✓" if principal in who else "" for principal in PRINCIPALS)
        lines.append(f"| `{action}` | {marks} | {SCOPES[action]} |")
    return "\n".join(lines)
