"""My certificates: request one from my query, list mine, read one, download its PDF."""

import json

from flask import Response, g, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from certificates.issuing import get_certificate
from certificates.listing import held_certificates
from certificates.models import Certificate
from certificates.tokens import verify_url
from federation.resources import context
from mobile_api.resources.admission import admit, citizen_only
from mobile_api.schemas import MyCertificateRequestSchema, MyCertificateSchema
from mobile_api.services import request_certificate
from schemas.search import ProblemSchema

blp = Blueprint("mobile_certificates", __name__, url_prefix="/mobile/api/v1/certificates",
                description="我的证明: certificates the caller holds")
blp.before_request(admit)
PDF = {"200": {"description": "The certificate's PDF, exactly as issued", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


def _entry(certificate: Certificate) -> dict:
    columns = ("certificate_no", "display_no", "kind", "archive_code", "archive_name",
               "holder_masked", "purpose", "issued_on", "status", "revoked_at",
               "revoked_reason")
    return {
        **{column: getattr(certificate, column) for column in columns},
        "records": json.loads(certificate.content)["records"],
        "scope": certificate.scope(),
        "verify_url": verify_url(context.settings().public_url, certificate.token),
        "pdf_url": url_for("mobile_certificates.MyCertificatePdf",
                           certificate_no=certificate.certificate_no, _external=True),
    }


@blp.route("")
class MyCertificates(MethodView):
    @citizen_only(blp)
    @blp.response(200, MyCertificateSchema(many=True))
    def get(self) -> list[dict]:
        """The caller's certificates, newest first: their own, and those archives issued
        for their cross-archive requests."""
        return [_entry(c) for c in held_certificates(context.session(), g.identity)]

    @citizen_only(blp)
    @blp.arguments(MyCertificateRequestSchema)
    @blp.response(201, MyCertificateSchema)
    def post(self, body: dict) -> dict:
        """Certify records of one of the caller's queries, all held by one archive, in that
        archive's name."""
        return _entry(request_certificate(context.session(), context.settings(),
                                          context.keyring(), g.identity, body))


@blp.route("/<string:certificate_no>")
class MyCertificate(MethodView):
    @citizen_only(blp)
    @blp.response(200, MyCertificateSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="Not one of the caller's")
    def get(self, certificate_no: str) -> dict:
        """One of the caller's certificates."""
        return _entry(get_certificate(context.session(), g.identity, certificate_no))


@blp.route("/<string:certificate_no>/pdf")
class MyCertificatePdf(MethodView):
    @citizen_only(blp)
    @blp.doc(responses=PDF)
    @blp.alt_response(404, schema=ProblemSchema, description="Not one of the caller's")
    def get(self, certificate_no: str) -> Response:
        """Download the certificate's PDF."""
        certificate = get_certificate(context.session(), g.identity, certificate_no, "pdf")
        return Response(certificate.pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{certificate.certificate_no}.pdf"'})
