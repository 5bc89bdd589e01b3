"""The workbench's 登录 page: username and password (and the archive, for a clerk with roles
at several), answered with the clerk token in the login cookie."""

import math

from flask import Blueprint, Response, redirect, request, url_for
from sqlalchemy.exc import OperationalError

from accounts.clerks import ArchiveChoiceNeeded, LoginFailed, login
from federation.ratelimit import RateLimited
from federation.resources import context
from workbench import cookies, wording
from workbench.api import throttle
from workbench.rendering import database_away, error_page, page

logins = Blueprint("workbench_login", __name__, url_prefix="/workbench",
                   template_folder="templates")
logins.register_error_handler(OperationalError, database_away)  # a page, not a problem


@logins.get("/login")
def form() -> Response:
    return _form(200)


@logins.post("/login")
def submit() -> Response:
    if not cookies.login_csrf_ok():
        return error_page(400, [wording.CSRF_FAILED])
    username = (request.form.get("username") or "").strip()
    archive = (request.form.get("archive") or "").strip() or None
    try:
        granted = login(context.session(), context.settings(), throttle(), username,
                        request.form.get("password") or "", archive,
                        request.remote_addr or "unknown")
    except LoginFailed:
        return _form(401, [wording.LOGIN_FAILED], username)
    except ArchiveChoiceNeeded as exc:
        return _form(422, [wording.ARCHIVE_CHOICE], username, exc.archives)
    except RateLimited as exc:
        minutes = math.ceil(int(exc.headers["Retry-After"]) / 60)
        response = _form(429, [wording.LOGIN_THROTTLED.format(minutes=minutes)], username)
        response.headers.update(exc.headers)
        return response
    response = redirect(url_for("workbench_pages.queue"), 303)
    cookies.remember(response, granted["token"])
    return response


def _form(status: int, errors: list[str] | None = None, username: str = "",
          archives: list[str] | None = None) -> Response:
    token = cookies.login_form_token()
    response = page("workbench/login.html", status, errors=errors or [], username=username,
                    archives=archives or [], csrf=token)
    cookies.set_login_form_token(response, token)
    return response
