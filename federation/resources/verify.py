"""Verifying certificates, open to anyone: the published keys, the machine API, the phone page.

- `blp` (flask-smorest, in the OpenAPI): `GET /.well-known/jwks.json`, `POST /api/v1/verify`;
- `pages` (plain Flask, HTML in Chinese): `GET /v/<token>`, what the QR code opens, and
  `POST /v/<token>/upload`, whether a PDF is exactly the one issued.

Every page answers 200 with a readable page whatever the token is, malformed included: the
verification itself succeeded, its outcome is the page's content (see `verify/result.html`).
Pages are never cached (a certificate can be revoked at any time) and never indexed.
"""

from datetime import timedelta, timezone

from flask import Blueprint as PageBlueprint
from flask import Response, current_app, redirect, render_template, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.exceptions import RequestEntityTooLarge

from certificates.tokens import EXPIRED, VALID, Keyring, verify_token
from certificates.verification import (
    STATUSES,
    Verification,
    check_pdf,
    verify,
    verify_code,
    verify_url,
)
from federation.ratelimit import RateLimited
from federation.resources import context
from schemas.certificates import ScopeSchema
from schemas.fields import Moment, one_of
from schemas.search import ProblemSchema

MAX_PDF_BYTES = 20 * 1024 * 1024
JWKS_MAX_AGE_S = 300
CHINA = timezone(timedelta(hours=8), "北京时间")  # no daylight saving time
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",  # the token is in the URL
    "X-Robots-Tag": "noindex",
}

blp = Blueprint("verify", __name__, description="Verifying certificates (no login needed)")
pages = PageBlueprint("verify_pages", __name__)


class VerifyRequestSchema(Schema):
    token = fields.String(validate=validate.Length(min=1, max=2000),
                          metadata={"description": "the token alone"})
    url = fields.String(validate=validate.Length(min=1, max=4000),
                        metadata={"description": "what the QR code holds: .../V/<token>"})
    certificate_no = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "with `code`: the number printed on the certificate, either form",
        "example": "510500-2026-123"})
    code = fields.String(validate=validate.Length(min=1, max=32), metadata={
        "description": "with `certificate_no`: the verification code (核验码) printed under "
                       "the QR code", "example": "7KQ4 M9PX"})

    @validates_schema
    def exactly_one(self, data: dict, **_: object) -> None:
        ways = ("token" in data) + ("url" in data) + ("certificate_no" in data or "code" in data)
        if ways != 1:
            raise ValidationError("Give exactly one of token, url, or certificate_no with "
                                  "code.")
        if ("certificate_no" in data) != ("code" in data):
            raise ValidationError("certificate_no and code go together.")


class VerifiedCertificateSchema(Schema):
    certificate_no = fields.String(required=True, metadata={"example": "510500-2026-123"})
    display_no = fields.String(required=True, metadata={"example": "泸档证〔2026〕第000123号"})
    archive_name = fields.String(required=True, metadata={"description": "issuing archive"})
    holder_masked = fields.String(required=True, metadata={"example": "张*华"})
    issued_on = fields.Date(required=True)
    kind = one_of(("records", "no_record"), required=True)
    scope = fields.Nested(ScopeSchema, allow_none=True, metadata={
        "description": "what the search behind it covered: a no-record certificate says "
                       "nothing about what was not searched"})


class VerificationSchema(Schema):
    status = one_of(STATUSES, required=True)
    certificate = fields.Nested(VerifiedCertificateSchema, allow_none=True, required=True,
                                metadata={"description": "null unless the registry confirms "
                                                         "the token (valid, revoked, expired)"})
    expires_on = fields.Date(metadata={"description": "last valid day, when there is one"})
    revoked_at = Moment(metadata={"description": "when revoked"})
    revoked_reason = fields.String(metadata={"description": "when revoked"})
    checked_at = Moment(required=True)


class JwksSchema(Schema):
    keys = fields.List(fields.Dict(), required=True,
                       metadata={"description": "Ed25519 JWKs (RFC 8037) with kid and status "
                                                "(active or retired)"})


def keyring() -> Keyring:
    return current_app.extensions["liancha.certificate_keys"]


@blp.before_request
def count_api_checks() -> None:
    """Verification is open to anyone, and limited per address: a flood is refused (429,
    without an audit entry each) while honest callers elsewhere are answered."""
    if request.method == "POST":
        context.count_address("verify")


@pages.before_request
def count_page_checks() -> Response | None:
    try:
        context.count_address("verify")
    except RateLimited as exc:
        response = _page("verify/busy.html", 429, retry_after=exc.headers["Retry-After"])
        response.headers.update(exc.headers)
        return response
    return None


@blp.route("/.well-known/jwks.json")
class Jwks(MethodView):
    @blp.response(200, JwksSchema)
    def get(self) -> tuple[dict, int, dict[str, str]]:
        """The public keys that certificate tokens verify with, active and retired."""
        keys = keyring()
        keys.reload()  # `liancha keys rotate` runs in another process
        return keys.jwks(), 200, {"Cache-Control": f"public, max-age={JWKS_MAX_AGE_S}"}


@blp.route("/api/v1/verify")
class Verify(MethodView):
    @blp.arguments(VerifyRequestSchema)
    @blp.response(200, VerificationSchema)
    @blp.alt_response(429, schema=ProblemSchema, description="Too many checks from this "
                      "address: wait (Retry-After)")
    @blp.alt_response(422, schema=ProblemSchema, description="Neither or both of token and "
                                                             "url, or not a verification URL")
    def post(self, body: dict) -> dict:
        """Verify a certificate's token, QR URL, or number with its verification code:
        `status` is valid, revoked, altered, unknown_key or expired (or foreign_url: a URL
        not under this hub's address, whatever its token; not_found: no certificate has that
        number and code); the details are the registry's, masked as printed."""
        if "certificate_no" in body:
            found, _ = verify_code(context.session(), keyring(), body["certificate_no"],
                                   body["code"], "api")
        elif "url" in body:
            found = verify_url(context.session(), keyring(), body["url"], "api",
                               public_url=context.settings().public_url)
        else:
            found = verify(context.session(), keyring(), body["token"], "api")
        return found.to_dict()


@pages.get("/v")
@pages.get("/V")
def lookup_form() -> Response:
    """Where the certificate's printed address leads: its number and verification code."""
    return _page("verify/lookup.html", 200, v=None, checked_at=None)


@pages.post("/v")
def lookup() -> Response:
    number, code = request.form.get("certificate_no", ""), request.form.get("code", "")
    found, token = verify_code(context.session(), keyring(), number[:64], code[:32],
                               "code_page")
    if token is None:
        return _page("verify/lookup.html", 200, v=found, number=number[:64], code=code[:32],
                     **_dates(found))
    return _page("verify/result.html", 200, token=token, v=found, **_dates(found))


@pages.get("/v/<path:token>")
@pages.get("/V/<path:token>")  # the QR code's upper-case form (alphanumeric mode)
def page(token: str) -> Response:
    found = verify(context.session(), keyring(), token, "page")
    return _page("verify/result.html", 200, token=token, v=found, **_dates(found))


@pages.post("/v/<path:token>/upload")
def upload(token: str) -> Response:
    request.max_content_length = MAX_PDF_BYTES
    try:
        file = request.files.get("pdf")
    except RequestEntityTooLarge:
        return _page("verify/upload.html", 413, token=token, error="too_large")
    data = file.read() if file else b""
    if not data:
        return _page("verify/upload.html", 400, token=token, error="no_file")
    check = check_pdf(context.session(), data, keyring())
    found = check.verification
    return _page("verify/upload.html", 200, token=token, check=check, v=found,
                 scanned_no=_scanned_no(token),
                 **(_dates(found) if found else {"checked_at": check.checked_at.astimezone(
                     CHINA)}))


@pages.get("/v/<path:token>/upload")
def upload_again(token: str) -> Response:
    """A reload or a shared link of the result page: back to the verification."""
    return redirect(url_for("verify_pages.page", token=token))


def _scanned_no(token: str) -> str | None:
    """The number of the certificate whose page the upload came from, if its token is good."""
    check = verify_token(token, keyring().verification_keys())
    return check.claims.number if check.status in (VALID, EXPIRED) and check.claims else None


def _dates(found: Verification) -> dict[str, object]:
    """Times as a person in China reads them."""
    return {"checked_at": found.checked_at.astimezone(CHINA),
            "revoked_at": found.revoked_at.astimezone(CHINA) if found.revoked_at else None}


def _page(template: str, status: int, **values: object) -> Response:
    response = Response(render_template(template, **values), status,
                        mimetype="text/html")
    response.headers.update(PAGE_HEADERS)
    return response
