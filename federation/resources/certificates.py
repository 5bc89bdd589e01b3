"""The hub's certificate API: issue from a query, read, download the PDF, revoke."""

from flask import Response, g, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from certificates.issuing import get_certificate, issue_certificate, revoke_certificate
from certificates.models import Certificate
from certificates.tokens import verify_url
from federation.resources import context
from schemas.certificates import CertificateSchema, IssueRequestSchema, RevokeRequestSchema
from schemas.search import ProblemSchema

BEARER = [{"identityToken": []}]
blp = Blueprint("certificates", __name__, url_prefix="/api/v1/certificates",
                description="Certificates (档案查询证明) anyone can verify")


blp.before_request(context.authenticate)


def _answer(certificate: Certificate) -> dict:
    return {
        **{column: getattr(certificate, column) for column in (
            "certificate_no", "display_no", "kind", "archive_code", "archive_name",
            "query_id", "holder_masked", "purpose", "issued_on", "status", "revoked_at",
            "revoked_reason")},
        "scope": certificate.scope(),
        "verify_url": verify_url(context.settings().public_url, certificate.token),
        "pdf_url": url_for("certificates.CertificatePdf",
                           certificate_no=certificate.certificate_no, _external=True),
    }


@blp.route("")
class Certificates(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(IssueRequestSchema)
    @blp.response(201, CertificateSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(403, schema=ProblemSchema, description="Not a clerk")
    @blp.alt_response(422, schema=ProblemSchema, description="No records listed (a no-record "
                                                             "certificate comes from "
                                                             "completing a request), or not "
                                                             "the clerk's query")
    def post(self, body: dict) -> dict:
        """Issue a certificate from a query's answer, in the clerk's archive's name."""
        issued = issue_certificate(context.session(), context.settings(), context.keyring(),
                                   g.identity, body)
        return _answer(issued.certificate)


@blp.route("/<string:certificate_no>")
class CertificateById(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, CertificateSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(404, schema=ProblemSchema, description="No such certificate for you")
    def get(self, certificate_no: str) -> dict:
        """A certificate's registry entry."""
        return _answer(get_certificate(context.session(), g.identity, certificate_no))


@blp.route("/<string:certificate_no>/pdf")
class CertificatePdf(MethodView):
    @blp.doc(security=BEARER, responses={"200": {"description": "The PDF", "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(404, schema=ProblemSchema, description="No such certificate for you")
    def get(self, certificate_no: str) -> Response:
        """The certificate's PDF, exactly as issued."""
        certificate = get_certificate(context.session(), g.identity, certificate_no, "pdf")
        return Response(certificate.pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{certificate.certificate_no}.pdf"'})


@blp.route("/<string:certificate_no>/revoke")
class CertificateRevocation(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(RevokeRequestSchema)
    @blp.response(200, CertificateSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(403, schema=ProblemSchema, description="Not the issuing archive")
    @blp.alt_response(404, schema=ProblemSchema, description="No such certificate for you")
    def post(self, body: dict, certificate_no: str) -> dict:
        """Revoke a certificate, with the reason verifiers will be shown."""
        return _answer(revoke_certificate(context.session(), g.identity, certificate_no,
                                          body["reason"]))
