"""The kiosk API v1: open a session with a card read, then the person's own records,
certificates and cross-archive requests, each call authenticated by the session token."""

from collections.abc import Callable
from typing import TypeVar

from flask import Response, g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from accounts.kiosks import authenticate_session, finish_session, open_session
from certificates.issuing import get_certificate
from federation.identity import bearer
from federation.resources import context
from kiosk_api import services
from kiosk_api.schemas import (
    CardAssertionSchema,
    KioskCertificateSchema,
    KioskIssueSchema,
    KioskRecordsSchema,
    KioskRequestSchema,
    OpenedSessionSchema,
    RecordsRequestSchema,
    SessionStatusSchema,
)
from schemas.casework import SelfOrConfirmApplicationSchema
from schemas.search import ProblemSchema

SESSION = [{"kioskSession": []}]
PREFIX = "/kiosk/api/v1"
sessions_blp = Blueprint("kiosk_sessions", __name__, url_prefix=PREFIX,
                         description="A session opened by reading the person's ID card")
blp = Blueprint("kiosk", __name__, url_prefix=PREFIX,
                description="The person's own records, certificates and requests")
View = TypeVar("View", bound=Callable[..., object])


@blp.before_request
def authenticate() -> None:
    token = bearer(request.headers.get("Authorization"))
    g.identity, g.kiosk_device = authenticate_session(context.session(), context.settings(),
                                                      token)
    g.kiosk_token = token
    context.count_call(g.identity)  # the person's budget, as in the app


def rate_limited(blueprint: Blueprint) -> Callable[[View], View]:
    """The OpenAPI side of `limiter` on one operation: every call counts (per person, or
    per address for opening a session)."""
    return blueprint.alt_response(429, schema=ProblemSchema, description="Too many calls: "
                                  "wait (Retry-After)", headers={"Retry-After": {
                                      "description": "seconds to wait",
                                      "schema": {"type": "integer"}}})


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # personal data on a shared machine
    return response


sessions_blp.after_request(no_store)
blp.after_request(no_store)


def _status() -> dict:
    return {"expires_in_idle_s": context.settings().kiosk_idle_s,
            "person": services.masked_person(g.identity),
            "device": services.device_view(context.settings(), g.kiosk_device)}


@sessions_blp.route("/sessions")
class Sessions(MethodView):
    @rate_limited(sessions_blp)
    @sessions_blp.arguments(CardAssertionSchema)
    @sessions_blp.response(201, OpenedSessionSchema)
    @sessions_blp.alt_response(401, schema=ProblemSchema,
                               description="Unregistered device, bad signature, replayed "
                                           "or unreadable card")
    def post(self, body: dict) -> dict:
        """Open a session for the person whose ID card the device just read."""
        context.count_address("card_read")
        opened = open_session(context.session(), context.settings(), body["assertion"])
        return {"session_token": opened.token,
                "expires_in_idle_s": context.settings().kiosk_idle_s,
                "person": services.masked_person(opened.identity),
                "device": services.device_view(context.settings(), opened.device)}


@blp.route("/session")
class CurrentSession(MethodView):
    @rate_limited(blp)
    @blp.doc(security=SESSION)
    @blp.response(200, SessionStatusSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="The session ended")
    def get(self) -> dict:
        """The open session (a touch on the screen: counts as activity)."""
        return _status()


@blp.route("/sessions/finish")
class SessionFinish(MethodView):
    @rate_limited(blp)
    @blp.doc(security=SESSION)
    @blp.response(204)
    @blp.alt_response(401, schema=ProblemSchema, description="The session already ended")
    def post(self) -> None:
        """End the session (结束服务)."""
        finish_session(context.session(), g.kiosk_token)


@blp.route("/records")
class Records(MethodView):
    @rate_limited(blp)
    @blp.doc(security=SESSION)
    @blp.arguments(RecordsRequestSchema)
    @blp.response(200, KioskRecordsSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="The session ended")
    def post(self, body: dict) -> dict:
        """The person's own records in every archive, masked for a public hall."""
        return services.my_records(context.session(), context.settings(), context.fanout(),
                                   g.identity, body)


@blp.route("/certificates")
class Certificates(MethodView):
    @rate_limited(blp)
    @blp.doc(security=SESSION)
    @blp.arguments(KioskIssueSchema)
    @blp.response(201, KioskCertificateSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="The session ended")
    @blp.alt_response(403, schema=ProblemSchema,
                      description="A record held by another archive: request it instead")
    def post(self, body: dict) -> dict:
        """Print a certificate of the person's records held by this kiosk's archive."""
        certificate = services.print_certificate(context.session(), context.settings(),
                                                 context.keyring(), g.identity, body)
        pdf_url = url_for("kiosk.CertificatePdf", certificate_no=certificate.certificate_no)
        return services.certificate_view(context.settings(), certificate, pdf_url)


@blp.route("/certificates/<string:certificate_no>/pdf")
class CertificatePdf(MethodView):
    @rate_limited(blp)
    @blp.doc(security=SESSION, responses={"200": {"description": "The PDF", "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.alt_response(401, schema=ProblemSchema, description="The session ended")
    @blp.alt_response(404, schema=ProblemSchema, description="No such certificate of yours")
    def get(self, certificate_no: str) -> Response:
        """The certificate's PDF, to print."""
        certificate = get_certificate(context.session(), g.identity, certificate_no, "pdf")
        return Response(certificate.pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{certificate.certificate_no}.pdf"'})


@blp.route("/requests")
class Requests(MethodView):
    @rate_limited(blp)
    @blp.doc(security=SESSION)
    @blp.arguments(SelfOrConfirmApplicationSchema)
    @blp.response(201, KioskRequestSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="The session ended")
    def post(self, body: dict) -> dict:
        """Apply for a cross-archive request (跨馆调档), received by this kiosk's archive."""
        return services.apply_across_archives(context.session(), context.settings(),
                                              g.identity, body)
