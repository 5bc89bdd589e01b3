"""The national platform's requests: submit (idempotent), status, result, certificate PDFs.

Every call carries the access token of the token endpoint; only national tokens are
accepted on this surface, and a client sees only the requests it submitted (404 otherwise).
"""

from collections.abc import Callable
from typing import TypeVar

from flask import Response, g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from federation.errors import PermissionDenied
from federation.resources import context
from national_api import services
from national_api.schemas import (
    IdempotencyHeaderSchema,
    NationalApplicationSchema,
    ResultSchema,
)
from schemas.casework import RequestSchema
from schemas.search import ProblemSchema

BEARER = [{"bearerToken": []}]
View = TypeVar("View", bound=Callable[..., object])
# `request_view` already gives ISO strings, which RequestSchema's DateTime fields cannot
# dump: the view is sent as it is, and RequestSchema documents it
blp = Blueprint("national_requests", __name__, url_prefix="/national/api/v1/requests",
                description="Cross-archive requests submitted by the national platform")


@blp.before_request
def national_only() -> None:
    context.authenticate()
    if g.identity.role != "national":
        raise PermissionDenied("This API is for national platform clients; get a token at "
                               "/national/api/v1/token.")


def platform_clients_only(view: View) -> View:
    """The OpenAPI side of `national_only` on one operation."""
    view = blp.alt_response(401, schema=ProblemSchema,
                            description="No token, or a refused one")(view)
    view = blp.alt_response(429, schema=ProblemSchema, description="Over the client's rate "
                            "limit: wait (Retry-After)")(view)
    return blp.alt_response(403, schema=ProblemSchema,
                            description="Not a national platform client's token")(view)


@blp.route("")
class Requests(MethodView):
    @blp.doc(security=BEARER)
    @platform_clients_only
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(NationalApplicationSchema)
    @blp.response(201, RequestSchema, description="Filed")
    @blp.alt_response(200, schema=RequestSchema,
                      description="This Idempotency-Key already filed it: the same request")
    @blp.alt_response(422, schema=ProblemSchema, description="Invalid fields, no "
                      "Idempotency-Key, or the key reused for a different submission")
    def post(self, headers: dict, body: dict) -> tuple[Response, int]:
        """Submit a request for a requester whose authorization documents it lists.

        Send a fresh `Idempotency-Key` with every new submission and the same key when
        retrying it: the retry answers 200 with the request first filed, and files
        nothing new. Status changes are pushed to `callback_url` (or the client's
        registered one), signed by the hub (see `/national/api/v1/keys`)."""
        submitted = services.submit_request(context.session(), context.settings(),
                                            g.identity, body, headers["idempotency_key"])
        return jsonify(submitted.request), 201 if submitted.created else 200


@blp.route("/<string:request_no>")
class RequestStatus(MethodView):
    @blp.doc(security=BEARER)
    @platform_clients_only
    @blp.response(200, RequestSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="Not a request of this client")
    def get(self, request_no: str) -> Response:
        """The request: its state, each holding archive's part, its history, due dates."""
        return jsonify(services.read_request(context.session(), context.settings(),
                                             g.identity, request_no))


@blp.route("/<string:request_no>/result")
class RequestResult(MethodView):
    @blp.doc(security=BEARER)
    @platform_clients_only
    @blp.response(200, ResultSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="Not a request of this client")
    def get(self, request_no: str) -> dict:
        """Where the request ended: its certificates (with verification and PDF URLs), or
        the reason it was refused; `final` is false while it is still open."""
        return services.request_result(context.session(), context.settings(), g.identity,
                                       request_no)


@blp.route("/<string:request_no>/certificates/<string:certificate_no>/pdf")
class RequestCertificatePdf(MethodView):
    @platform_clients_only
    @blp.doc(security=BEARER, responses={"200": {"description": "The PDF", "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.alt_response(404, schema=ProblemSchema,
                      description="Not a certificate of this client's request")
    def get(self, request_no: str, certificate_no: str) -> Response:
        """A certificate of the request, exactly as issued (PDF)."""
        certificate = services.certificate_of_request(context.session(), g.identity,
                                                      request_no, certificate_no)
        return Response(certificate.pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{certificate.certificate_no}.pdf"'})
