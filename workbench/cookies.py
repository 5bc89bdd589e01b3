"""The workbench pages' login: the clerk token kept in a cookie, and the CSRF token that
every form posts back.

The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
it) and scoped to `/workbench`. A form proves it came from our own page by carrying the
cookie token's `jti`, which only a page the hub rendered for this login knows; the login
form, before there is a token, carries a random value also set in a short-lived cookie
(double submit).
"""

import hmac
import secrets
from dataclasses import dataclass

import jwt
from flask import Response, request

from accounts.clerks import ensure_active
from federation.identity import CLERK_TOKEN_LIFETIME_S, Identity, identify
from federation.resources import context
from runtime.errors import Unauthorized

TOKEN_COOKIE = "liancha_clerk"
LOGIN_COOKIE = "liancha_login_csrf"
PATH = "/workbench"
LOGIN_FORM_LIFETIME_S = 3600


@dataclass(frozen=True)
class PageClerk:
    identity: Identity
    csrf: str  # the token's jti


def current_clerk() -> PageClerk | None:
    """The clerk whose cookie came with this request, or None (none, expired, refused)."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    settings = context.settings()
    try:
        identity = identify(f"Bearer {token}", settings.identity_public_key,
                            settings.signing_key.public_key(),
                            settings.guards.identity_token_max_lifetime_s)
        if identity.role != "clerk":
            return None
        ensure_active(context.session(), identity)
    except Unauthorized:
        return None
    jti = jwt.decode(token, options={"verify_signature": False}).get("jti")  # verified above
    return PageClerk(identity, str(jti)) if jti else None


def csrf_ok(expected: str | None) -> bool:
    sent = request.form.get("csrf", "")
    return bool(expected and sent) and hmac.compare_digest(sent, expected)


def remember(response: Response, token: str) -> None:
    response.set_cookie(TOKEN_COOKIE, token, max_age=CLERK_TOKEN_LIFETIME_S, path=PATH,
                        httponly=True, samesite="Strict", secure=request.is_secure)
    response.delete_cookie(LOGIN_COOKIE, path=PATH)


def forget(response: Response) -> None:
    response.delete_cookie(TOKEN_COOKIE, path=PATH, httponly=True, samesite="Strict",
                           secure=request.is_secure)


def login_form_token() -> str:
    """The login form's CSRF value: the one already set, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


def set_login_form_token(response: Response, value: str) -> None:
    response.set_cookie(LOGIN_COOKIE, value, max_age=LOGIN_FORM_LIFETIME_S, path=PATH,
                        httponly=True, samesite="Strict", secure=request.is_secure)


def login_csrf_ok() -> bool:
    return csrf_ok(request.cookies.get(LOGIN_COOKIE))
