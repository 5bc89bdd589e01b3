"""Clerk accounts: creating them, their passwords and roles per archive, and logging in.

A clerk holds roles (receiving, holding, admin) at one or more archives; a login names the
archive worked at when there are several, and is answered with the hub's clerk token for
that archive and its roles. Passwords are stored as werkzeug scrypt hashes only. A failed
login answers the same whatever failed (unknown user, wrong password, disabled account),
and repeated failures for one username are throttled in memory. Every login, and every
change to an account, is written into the audit chain (never a password).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from accounts.models import Clerk, ClerkRole, RevokedToken
from federation import audit
from federation.config import HubSettings
from federation.identity import CLERK_ROLES, CLERK_TOKEN_LIFETIME_S, Identity, mint_clerk_token
from federation.ratelimit import LoginThrottle, RateLimited
from runtime.errors import DomainError, InvalidInput, Unauthorized

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
ARCHIVE_CODE = re.compile(r"^\d{6}$")
MIN_PASSWORD_LENGTH = 10
HASH_METHOD = "scrypt"
OPERATOR = "operator:cli"  # who changes accounts from the command line, in the audit chain


class ClerkExists(DomainError):
    status = 409
    title = "Clerk exists"


class ClerkNotFound(DomainError):
    status = 404
    title = "Clerk not found"


class LoginFailed(Unauthorized):
    def __init__(self) -> None:
        super().__init__("Wrong username or password, or the account is disabled.",
                         zh="用户名或密码错误，或账号已停用。")


class ArchiveChoiceNeeded(InvalidInput):
    """The password was right, but the archive to work at is missing or not the clerk's."""

    def __init__(self, archives: list[str], asked: str | None) -> None:
        message = (f"You have no role at archive {asked}; " if asked else
                   "You have roles at several archives; ") + \
            f"choose one of: {', '.join(archives)}."
        super().__init__({"archive": [message]})
        self.archives = archives


@dataclass(frozen=True)
class ClerkAccount:
    username: str
    display_name: str
    active: bool
    created_at: datetime
    roles: dict[str, tuple[str, ...]]  # archive code -> roles there


def create_clerk(session: Session, username: str, display_name: str, password: str,
                 roles: Iterable[tuple[str, str]], actor: str = OPERATOR) -> ClerkAccount:
    username, pairs = username.strip().lower(), sorted(set(roles))
    errors = {**_username_errors(username), **_role_errors(pairs)}
    if not display_name.strip():
        errors["display_name"] = ["Give the clerk's name as shown to colleagues."]
    errors.update(_password_errors(password))
    if errors:
        raise InvalidInput(errors)
    if session.get(Clerk, username) is not None:
        raise ClerkExists(f"Clerk {username} exists already; change the password with "
                          "`liancha clerk passwd`.")
    session.add(Clerk(username=username, display_name=display_name.strip(),
                      password_hash=generate_password_hash(password, method=HASH_METHOD),
                      active=True, created_at=datetime.now(UTC)))
    session.flush()  # the clerk row before the roles that refer to it
    session.add_all(ClerkRole(username=username, archive_code=code, role=role)
                    for code, role in pairs)
    audit.record(session, actor=actor, role="operator", action="clerk.created",
                 target=username, detail={"roles": [f"{c}:{r}" for c, r in pairs]})
    session.commit()
    return _account(session, _clerk(session, username))


def change_password(session: Session, username: str, password: str,
                    actor: str = OPERATOR) -> None:
    errors = _password_errors(password)
    if errors:
        raise InvalidInput(errors)
    clerk = _clerk(session, _username(username))
    clerk.password_hash = generate_password_hash(password, method=HASH_METHOD)
    clerk.password_version += 1
    clerk.token_version += 1  # the tokens issued with the old password stop working
    audit.record(session, actor=actor, role="operator", action="clerk.password_changed",
                 target=clerk.username)
    session.commit()


def deactivate(session: Session, username: str, actor: str = OPERATOR) -> None:
    clerk = _clerk(session, _username(username))
    clerk.active = False
    clerk.token_version += 1  # should it be enabled again, these tokens stay ended
    audit.record(session, actor=actor, role="operator", action="clerk.disabled",
                 target=clerk.username)
    session.commit()


def set_roles(session: Session, username: str, roles: Iterable[tuple[str, str]],
              actor: str = OPERATOR) -> ClerkAccount:
    """Replace the clerk's roles (archive, role); the tokens issued with the old ones end."""
    pairs = sorted(set(roles))
    errors = _role_errors(pairs)
    if errors:
        raise InvalidInput(errors)
    clerk = _clerk(session, _username(username))
    before = _account(session, clerk).roles
    for row in session.scalars(select(ClerkRole).where(ClerkRole.username == clerk.username)):
        session.delete(row)
    session.flush()
    session.add_all(ClerkRole(username=clerk.username, archive_code=archive, role=role)
                    for archive, role in pairs)
    clerk.token_version += 1
    audit.record(session, actor=actor, role="operator", action="clerk.roles_changed",
                 target=clerk.username, detail={"before": {a: list(r) for a, r in
                                                           before.items()},
                                                "after": [list(pair) for pair in pairs]})
    session.commit()
    return _account(session, clerk)


def logout(session: Session, identity: Identity) -> None:
    """End this token now (it is refused from here on, wherever it is presented)."""
    if identity.role != "clerk" or not identity.token_id:
        raise Unauthorized("Only a clerk's session token can be logged out.")
    now = datetime.now(UTC)
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    if session.get(RevokedToken, identity.token_id) is None:
        expires = datetime.fromtimestamp(identity.expires_at or now.timestamp(), UTC)
        session.add(RevokedToken(jti=identity.token_id, expires_at=expires))
    audit.record(session, actor=identity.subject, role="clerk", action="clerk.logout",
                 target=identity.subject.removeprefix("clerk:"))
    session.commit()


def list_clerks(session: Session) -> list[ClerkAccount]:
    return [_account(session, clerk)
            for clerk in session.scalars(select(Clerk).order_by(Clerk.username))]


def get_clerk(session: Session, username: str) -> ClerkAccount | None:
    clerk = session.get(Clerk, username)
    return _account(session, clerk) if clerk is not None else None


def login(session: Session, settings: HubSettings, throttle: LoginThrottle, username: str,
          password: str, archive: str | None = None, address: str = "unknown") -> dict:
    """The clerk's token for `archive` (or their only archive): {token, expires_in,
    archive, roles}. Failures count per username and address, and per address."""
    username = username.strip().lower()
    try:
        throttle.check(username, address)
    except RateLimited:
        _audit_login(session, username, archive, "throttled", address=address)
        raise
    clerk = session.get(Clerk, username) if USERNAME.match(username) else None
    # hash even for an unknown user, so that the answer takes as long either way
    hashed = clerk.password_hash if clerk is not None else _decoy_hash()
    right = check_password_hash(hashed, password) and clerk is not None
    if not right or not clerk or not clerk.active:
        throttle.failed(username, address)
        outcome = "unknown_user" if clerk is None else "wrong_password" if not right \
            else "disabled"
        _audit_login(session, username, archive, outcome, address=address)
        raise LoginFailed()
    roles = _account(session, clerk).roles
    chosen = archive or (next(iter(roles)) if len(roles) == 1 else None)
    if chosen not in roles:
        _audit_login(session, username, archive,
                     "no_role_at_archive" if archive else "archive_not_chosen")
        raise ArchiveChoiceNeeded(sorted(roles), archive)
    throttle.succeeded(username, address)
    _audit_login(session, username, chosen, "ok", list(roles[chosen]), address)
    return {"token": mint_clerk_token(settings.signing_key, username, chosen, roles[chosen],
                                      token_version=clerk.token_version),
            "expires_in": CLERK_TOKEN_LIFETIME_S, "archive": chosen,
            "roles": list(roles[chosen])}


def ensure_active(session: Session, identity: Identity) -> None:
    """Refuse a token the clerk logged out of, and the tokens of a clerk whose account was
    disabled, or whose password or roles changed, since it was issued. A token whose clerk
    has no account here was minted with the hub's key directly (tools, tests) and stands on
    that signature alone (and on its logout)."""
    if identity.token_id and session.get(RevokedToken, identity.token_id) is not None:
        raise Unauthorized("This token was logged out; log in again.",
                           zh="已退出登录，请重新登录。")
    username = identity.subject.removeprefix("clerk:")
    clerk = session.get(Clerk, username)
    if clerk is None:
        return
    if not clerk.active:
        raise Unauthorized("This clerk account is disabled.", zh="此账号已停用，请联系管理员。")
    if identity.token_version != clerk.token_version:
        raise Unauthorized("The password or roles of this account changed after this token "
                           "was issued; log in again.", zh="账号的密码或权限已变更，请重新登录。")


def _audit_login(session: Session, username: str, archive: str | None, outcome: str,
                 roles: list[str] | None = None, address: str = "unknown") -> None:
    action = "clerk.login" if outcome == "ok" else "clerk.login_failed"
    audit.record(session, actor=f"clerk:{username[:64]}", role="clerk", action=action,
                 target=username[:64], detail={"archive": archive, "outcome": outcome,
                                               "roles": roles, "address": address})
    session.commit()


@cache
def _decoy_hash() -> str:
    return generate_password_hash("not anyone's password", method=HASH_METHOD)


def _clerk(session: Session, username: str) -> Clerk:
    clerk = session.get(Clerk, username)
    if clerk is None:
        raise ClerkNotFound(f"There is no clerk {username}; `liancha clerk list` lists them.")
    return clerk


def _account(session: Session, clerk: Clerk) -> ClerkAccount:
    roles: dict[str, list[str]] = {}
    for row in session.scalars(select(ClerkRole).where(ClerkRole.username == clerk.username)
                               .order_by(ClerkRole.archive_code, ClerkRole.role)):
        roles.setdefault(row.archive_code, []).append(row.role)
    return ClerkAccount(clerk.username, clerk.display_name, clerk.active, clerk.created_at,
                        {code: tuple(found) for code, found in roles.items()})


def _username(username: str) -> str:
    username = username.strip().lower()
    errors = _username_errors(username)
    if errors:
        raise InvalidInput(errors)
    return username


def _username_errors(username: str) -> dict[str, list[str]]:
    if USERNAME.match(username):
        return {}
    return {"username": ["2 to 64 characters: lowercase letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit."]}


def _role_errors(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    if not pairs:
        return {"roles": ["Give at least one role at one archive."]}
    bad_codes = sorted({code for code, _ in pairs if not ARCHIVE_CODE.match(code)})
    bad_roles = sorted({role for _, role in pairs if role not in CLERK_ROLES})
    errors: dict[str, list[str]] = {}
    if bad_codes:
        errors["archive"] = [f"Not an archive code (6 digits): {', '.join(bad_codes)}."]
    if bad_roles:
        errors["roles"] = [f"Unknown roles {', '.join(bad_roles)}; roles are "
                           f"{', '.join(CLERK_ROLES)}."]
    return errors


def _password_errors(password: str) -> dict[str, list[str]]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return {"password": [f"At least {MIN_PASSWORD_LENGTH} characters."]}
    return {}
