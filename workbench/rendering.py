"""Rendering a workbench page: the values every template shares, and the headers that keep
these pages private (never cached, never framed, nothing loaded from elsewhere)."""

import logging

from flask import Response, g, render_template
from sqlalchemy.exc import OperationalError

from accounts.clerks import get_clerk
from casework.services import archive_names
from federation.resources import context
from runtime.problems import RETRY_AFTER_S
from workbench import presenting, wording

log = logging.getLogger(__name__)

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
}


def page(template: str, status: int = 200, **values: object) -> Response:
    clerk = g.get("clerk")
    account = None
    if clerk is not None:
        account = get_clerk(context.session(), clerk.identity.subject.removeprefix("clerk:"))
    return _rendered(template, status, account, **values)


def error_page(status: int, lines: list[str]) -> Response:
    return page("workbench/error.html", status, lines=lines, code=status)


def database_away(error: OperationalError) -> Response:
    """The database cannot be reached (a restart, a failover): a 503 page that needs nothing
    from it (the clerk's name is left out), with when to try again. Each workbench
    blueprint registers it: the pages' catch-all would otherwise answer a 500."""
    log.error("database unavailable: %s", error.orig)
    response = _rendered("workbench/error.html", 503, None, lines=[wording.DATABASE_AWAY],
                         code=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _rendered(template: str, status: int, account: object, **values: object) -> Response:
    clerk = g.get("clerk")
    response = Response(render_template(
        template, clerk=clerk, account=account, names=archive_names(context.settings()),
        w=wording, cn_time=presenting.cn_time,
        at_counter=bool(clerk and clerk.identity.roles & {"receiving", "admin"}), **values),
        status, mimetype="text/html")
    response.headers.update(PAGE_HEADERS)
    return response
