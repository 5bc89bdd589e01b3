"""The clerk workbench's pages under `/workbench/` (server-rendered, in Chinese): the queue,
the overdue list, a request with the steps this clerk may take, and the counter form.

Every page needs the login cookie (else: the login page); every POST carries the CSRF
token (else: 400). Each step calls the casework service and redirects back to the
request (303), so a reload repeats nothing; a refused step shows the request again with
the reason in Chinese.
"""

import logging
from datetime import date

from flask import Blueprint, Response, g, redirect, request, url_for
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from accounts.clerks import logout as end_token
from accounts.names import caller_names
from casework.confirmations import decide_candidate, request_candidates
from casework.reminders import open_reminders
from casework.services import apply_request, get_request, list_requests, overdue_requests
from casework.transitions import (
    accept_request,
    assist_request,
    complete_request,
    refuse_request,
    search_for_request,
)
from federation.errors import QueryNotFound
from federation.permissions import allowed
from federation.resources import context
from federation.services.queries import get_query
from runtime.chinese import BY_STATUS
from runtime.errors import DomainError
from schemas.casework import STATES
from schemas.fields import RECORD_TYPES
from workbench import cookies, events, forms, presenting, wording
from workbench.rendering import database_away, error_page, page

log = logging.getLogger(__name__)
pages = Blueprint("workbench_pages", __name__, url_prefix="/workbench",
                  template_folder="templates")


@pages.before_request
def gate() -> Response | None:
    g.clerk = cookies.current_clerk()
    if g.clerk is None:
        return redirect(url_for("workbench_login.form"), 303)
    context.count_call(g.clerk.identity)  # the clerk's budget, as on the API
    if request.method == "POST" and not cookies.csrf_ok(g.clerk.csrf):
        return error_page(400, [wording.CSRF_FAILED])
    return None


@pages.get("/")
def queue() -> Response:
    state = request.args.get("state")
    state = state if state in STATES else None
    views = list_requests(context.session(), context.settings(), g.clerk.identity, state)
    reminders = open_reminders(context.session(), g.clerk.identity)
    return page("workbench/queue.html", rows=presenting.queue(views, g.clerk.identity),
                state=state, states=STATES, reminders=reminders)


@pages.get("/overdue")
def overdue() -> Response:
    as_of = _day(request.args.get("as_of"))
    views = overdue_requests(context.session(), context.settings(), g.clerk.identity, as_of)
    return page("workbench/overdue.html", rows=presenting.queue(views, g.clerk.identity),
                as_of=as_of)


@pages.get("/requests/<request_no>")
def detail(request_no: str) -> Response:
    return detail_page(request_no, query_id=request.args.get("query"),
                       done=request.args.get("done"))


@pages.get("/new")
def new() -> Response:
    return _new_page(MultiDict())


@pages.post("/requests")
def apply() -> Response:
    settings = context.settings()
    filed = apply_request(context.session(), settings, settings.calendar, g.clerk.identity,
                          forms.application(request.form))
    return _back(filed["request_no"], "apply")


@pages.post("/requests/<request_no>/accept")
def accept(request_no: str) -> Response:
    settings = context.settings()
    accept_request(context.session(), settings, settings.calendar, g.clerk.identity,
                   request_no, forms.acceptance(request.form).get("reason"))
    return _back(request_no, "accept")


@pages.post("/requests/<request_no>/refuse")
def refuse(request_no: str) -> Response:
    refused = refuse_request(context.session(), context.settings(), g.clerk.identity,
                             request_no, forms.refusal(request.form)["reason"])
    return _back(request_no, "refuse" if refused["state"] == "refused" else "decline")


@pages.post("/requests/<request_no>/search")
def search(request_no: str) -> Response:
    answer = search_for_request(context.session(), context.settings(), context.fanout(),
                                g.clerk.identity, request_no)
    return redirect(url_for(".detail", request_no=request_no, query=answer["query_id"],
                            _anchor="search"), 303)


@pages.post("/requests/<request_no>/assist")
def assist(request_no: str) -> Response:
    assist_request(context.session(), context.settings(), context.keyring(), g.clerk.identity,
                   request_no, forms.assist(request.form))
    return _back(request_no, "assist")


@pages.post("/requests/<request_no>/candidates")
def decide(request_no: str) -> Response:
    decide_candidate(context.session(), context.settings(), g.clerk.identity, request_no,
                     forms.decision(request.form))
    return redirect(url_for(".detail", request_no=request_no, done="decide",
                            _anchor="to-confirm"), 303)


@pages.post("/requests/<request_no>/complete")
def complete(request_no: str) -> Response:
    complete_request(context.session(), context.settings(), context.keyring(),
                     g.clerk.identity, request_no, forms.completion(request.form))
    return _back(request_no, "complete")


@pages.post("/logout")
def logout() -> Response:
    end_token(context.session(), g.clerk.identity)  # not only forgotten: ended
    response = redirect(url_for("workbench_login.form"), 303)
    cookies.forget(response)
    return response


@pages.errorhandler(DomainError)
def refused(error: DomainError) -> Response:
    """A step the service refused: the same page again, saying why in Chinese."""
    context.session().rollback()
    lines = wording.error_lines(error)
    if request.endpoint == "workbench_pages.apply":
        return _new_page(request.form, error.status, lines)
    request_no = (request.view_args or {}).get("request_no")
    if request.method == "POST" and request_no:
        try:
            return detail_page(request_no, error.status, lines, request.form.get("query_id"))
        except DomainError:
            pass
    return error_page(error.status, lines)


pages.register_error_handler(OperationalError, database_away)  # before the catch-all below


@pages.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    return error_page(status, [wording.NOT_FOUND if status == 404 else
                               BY_STATUS.get(status, wording.SERVER_FAILED)])


@pages.errorhandler(Exception)
def failed(error: Exception) -> Response:
    log.exception("workbench page failed")
    try:
        context.session().rollback()
        return error_page(500, [wording.SERVER_FAILED])
    except Exception:  # the error page itself failed: say so without any template
        log.exception("workbench error page failed")
        return Response(wording.SERVER_FAILED, 500, mimetype="text/plain")


def detail_page(request_no: str, status: int = 200, errors: list[str] | None = None,
                query_id: str | None = None, done: str | None = None) -> Response:
    identity = g.clerk.identity
    view = get_request(context.session(), context.settings(), identity, request_no)
    answer, errors = None, list(errors or [])
    if query_id:
        try:
            answer = get_query(context.session(), identity, query_id)
        except QueryNotFound:
            errors.append(wording.SEARCH_GONE)
    ours = presenting.our_part(view, identity)
    to_confirm = request_candidates(context.session(), context.settings(), identity,
                                    request_no) \
        if view["to_confirm"] and ours is not None and allowed(identity, "candidate.read") \
        else []
    callers = caller_names(context.session(), [event["actor"] for event in view["events"]])
    return page("workbench/detail.html", status, view=view, errors=errors,
                history=events.rows(view, context.settings().archive_names, callers),
                may=presenting.actions(view, identity), ours=ours,
                answer=answer, query_id=answer and answer["query_id"],
                candidates=presenting.candidates(answer, identity) if answer else [],
                to_confirm=[presenting.to_confirm(c) for c in to_confirm],
                done=wording.DONE_WORDS.get(done or ""))


def _new_page(form: MultiDict, status: int = 200, errors: list[str] | None = None) -> Response:
    identity = g.clerk.identity
    others = [node for node in context.settings().nodes if node.code != identity.archive]
    return page("workbench/new.html", status, form=form, errors=errors or [],
                archives=others, record_types=RECORD_TYPES, rows=range(forms.DOCUMENT_ROWS),
                may_apply=bool(identity.roles & {"receiving", "admin"}))


def _back(request_no: str, done: str) -> Response:
    return redirect(url_for(".detail", request_no=request_no, done=done), 303)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
