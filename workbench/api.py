"""The clerk workbench API, `/clerk/api/v1`: log in, see the archive's work, file a request
at the counter, and take each step of the cross-archive request (English problem+json)."""

from collections.abc import Callable
from typing import TypeVar

from flask import Response, current_app, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from accounts.clerks import ensure_active, login, logout
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
from federation.errors import PermissionDenied
from federation.identity import Identity
from federation.ratelimit import LoginThrottle
from federation.resources import context
from schemas.casework import OnBehalfApplicationSchema, ReasonSchema, RequestSchema
from schemas.hub import QueryAnswerSchema
from schemas.search import ProblemSchema
from workbench.schemas import (
    AcceptSchema,
    AssistSchema,
    CandidateSchema,
    ClerkTokenSchema,
    CompleteSchema,
    DecideSchema,
    LoginSchema,
    OverdueArgsSchema,
    ReminderSchema,
    StateArgsSchema,
)

PREFIX = "/clerk/api/v1"
BEARER = [{"bearerToken": []}]
# `request_view` gives ISO strings, which RequestSchema's Date and DateTime fields cannot
# dump (marshmallow 4): the views send the request as it is; RequestSchema documents it
THROTTLE = "liancha.login_throttle"
View = TypeVar("View", bound=Callable[..., object])

sessions = Blueprint("clerk_login", __name__, url_prefix=PREFIX,
                     description="A clerk's login: the bearer token for the other operations")
blp = Blueprint("clerk_requests", __name__, url_prefix=f"{PREFIX}/requests",
                description="Cross-archive requests: 申请 → 受理 → 协办 → 办结, or a refusal")


def throttle() -> LoginThrottle:
    return current_app.extensions[THROTTLE]


def clerk() -> Identity:
    """The clerk calling, from the bearer token; anyone else is refused."""
    identity = context.caller()
    if identity.role != "clerk":
        raise PermissionDenied("The clerk workbench is for clerks; log in at "
                               f"{PREFIX}/login.")
    ensure_active(context.session(), identity)
    return identity


@blp.before_request
def authenticate() -> None:
    g.identity = clerk()


def clerks_only(view: View) -> View:
    """The OpenAPI side of `authenticate` and of the permission matrix on one operation."""
    view = blp.doc(security=BEARER)(view)
    view = blp.alt_response(401, schema=ProblemSchema,
                            description="No token, or a refused one")(view)
    view = blp.alt_response(429, schema=ProblemSchema, description="Over the clerk's rate "
                            "limit: wait (Retry-After)")(view)
    return blp.alt_response(403, schema=ProblemSchema, description="Not a clerk's token, or "
                            "the clerk's role may not do this")(view)


def request_of_the_archive(view: View) -> View:
    """An operation on one request: 404 for one the clerk's archive does not take part in."""
    return blp.alt_response(404, schema=ProblemSchema, description="No such request for "
                            "this archive")(view)


@sessions.route("/login")
class Login(MethodView):
    @sessions.arguments(LoginSchema)
    @sessions.response(200, ClerkTokenSchema)
    @sessions.alt_response(401, schema=ProblemSchema, description="Wrong username or "
                           "password, or the account is disabled (one answer for all)")
    @sessions.alt_response(422, schema=ProblemSchema, description="The clerk has roles at "
                           "several archives: `archive` names the one to work at")
    @sessions.alt_response(429, schema=ProblemSchema, description="Too many failed logins "
                           "for this username: wait (Retry-After)")
    def post(self, body: dict) -> dict:
        """Log in with username and password: the clerk token for one archive."""
        return login(context.session(), context.settings(), throttle(), body["username"],
                     body["password"], body.get("archive"), request.remote_addr or "unknown")


@sessions.route("/logout")
class Logout(MethodView):
    @sessions.doc(security=BEARER)
    @sessions.response(204)
    @sessions.alt_response(401, schema=ProblemSchema, description="No token, or a refused "
                           "one (already logged out)")
    @sessions.alt_response(403, schema=ProblemSchema, description="Not a clerk's token")
    @sessions.alt_response(429, schema=ProblemSchema, description="Over the clerk's rate "
                           "limit: wait (Retry-After)")
    def post(self) -> None:
        """退出: end this token at once (it is refused from now on)."""
        logout(context.session(), clerk())


@blp.route("")
class Requests(MethodView):
    @clerks_only
    @blp.arguments(StateArgsSchema, location="query")
    @blp.response(200, RequestSchema(many=True))
    def get(self, args: dict) -> Response:
        """Requests received by, or asked of, the clerk's archive (newest first)."""
        return jsonify(list_requests(context.session(), context.settings(), g.identity,
                                     args.get("state")))

    @clerks_only
    @blp.arguments(OnBehalfApplicationSchema)
    @blp.response(201, RequestSchema)
    def post(self, body: dict) -> tuple[Response, int]:
        """File a request at the counter (申请), with the requester's documents."""
        settings = context.settings()
        return jsonify(apply_request(context.session(), settings, settings.calendar,
                                     g.identity, body)), 201


@blp.route("/overdue")
class Overdue(MethodView):
    @clerks_only
    @blp.arguments(OverdueArgsSchema, location="query")
    @blp.response(200, RequestSchema(many=True))
    def get(self, args: dict) -> Response:
        """What the archive owes late: acceptances past 2 working days, searches past 4."""
        return jsonify(overdue_requests(context.session(), context.settings(), g.identity,
                                        args.get("as_of")))


@blp.route("/reminders")
class Reminders(MethodView):
    @clerks_only
    @blp.response(200, ReminderSchema(many=True))
    def get(self) -> list[dict]:
        """Steps the archive owes that fall due by the next working day, or are overdue
        (reminded every REMINDER_INTERVAL_S), until they are taken."""
        return open_reminders(context.session(), g.identity)


@blp.route("/<string:request_no>")
class RequestByNo(MethodView):
    @clerks_only
    @blp.response(200, RequestSchema)
    @request_of_the_archive
    def get(self, request_no: str) -> Response:
        """A request with its steps, holding archives' parts and history."""
        return jsonify(get_request(context.session(), context.settings(), g.identity,
                                   request_no))


@blp.route("/<string:request_no>/accept")
class Accept(MethodView):
    @clerks_only
    @request_of_the_archive
    @blp.arguments(AcceptSchema)
    @blp.response(200, RequestSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="Not waiting for acceptance")
    def post(self, body: dict, request_no: str) -> Response:
        """受理: the receiving archive accepts; the holding archives' search falls due."""
        settings = context.settings()
        return jsonify(accept_request(context.session(), settings, settings.calendar,
                                      g.identity, request_no, body.get("reason")))


@blp.route("/<string:request_no>/search")
class Search(MethodView):
    @clerks_only
    @request_of_the_archive
    @blp.response(200, QueryAnswerSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="Not accepted (yet)")
    def post(self, request_no: str) -> dict:
        """Search for the request's subject: a holding clerk in their archive, a receiving
        clerk in every archive asked (for a no-record certificate)."""
        return search_for_request(context.session(), context.settings(), context.fanout(),
                                  g.identity, request_no)


@blp.route("/<string:request_no>/assist")
class Assist(MethodView):
    @clerks_only
    @request_of_the_archive
    @blp.arguments(AssistSchema)
    @blp.response(200, RequestSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="Nothing to answer now")
    def post(self, body: dict, request_no: str) -> Response:
        """协办: the holding archive answers, certifying the records it found."""
        return jsonify(assist_request(context.session(), context.settings(),
                                      context.keyring(), g.identity, request_no, body))


@blp.route("/<string:request_no>/complete")
class Complete(MethodView):
    @clerks_only
    @request_of_the_archive
    @blp.arguments(CompleteSchema)
    @blp.response(200, RequestSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="An archive has not answered")
    def post(self, body: dict, request_no: str) -> Response:
        """办结: with the holding archives' certificates, or a no-record certificate."""
        return jsonify(complete_request(context.session(), context.settings(),
                                        context.keyring(), g.identity, request_no, body))


@blp.route("/<string:request_no>/refuse")
class Refuse(MethodView):
    @clerks_only
    @request_of_the_archive
    @blp.arguments(ReasonSchema)
    @blp.response(200, RequestSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="Already closed")
    def post(self, body: dict, request_no: str) -> Response:
        """不予办理 (receiving archive) or 不予协办 (a holding archive's own part), with the
        reason."""
        return jsonify(refuse_request(context.session(), context.settings(), g.identity,
                                      request_no, body["reason"]))


@blp.route("/<string:request_no>/candidates")
class Candidates(MethodView):
    @clerks_only
    @request_of_the_archive
    @blp.response(200, CandidateSchema(many=True))
    def get(self, request_no: str) -> list[dict]:
        """Records the request asks this archive to confirm as the subject's, with the
        evidence for and against each (a citizen's query offered them: `to_confirm`)."""
        return request_candidates(context.session(), context.settings(), g.identity,
                                  request_no)

    @clerks_only
    @request_of_the_archive
    @blp.arguments(DecideSchema)
    @blp.response(200, CandidateSchema)
    def post(self, body: dict, request_no: str) -> dict:
        """Confirm or reject one of them: the subject's later queries show a confirmed
        record and no longer offer a rejected one."""
        return decide_candidate(context.session(), context.settings(), g.identity,
                                request_no, body)
