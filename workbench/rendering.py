"""Rendering a workbench page: the values every template shares, and the headers that keep
these pages private (never cached, never framed, nothing loaded from elsewhere)."""

from flask import Response, g, render_template

from accounts.clerks import get_clerk
from casework.services import archive_names
from federation.resources import context
from workbench import presenting, wording

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
    response = Response(render_template(
        template, clerk=clerk, account=account, names=archive_names(context.settings()),
        w=wording, cn_time=presenting.cn_time,
        at_counter=bool(clerk and clerk.identity.roles & {"receiving", "admin"}), **values),
        status, mimetype="text/html")
    response.headers.update(PAGE_HEADERS)
    return response


def error_page(status: int, lines: list[str]) -> Response:
    return page("workbench/error.html", status, lines=lines, code=status)
