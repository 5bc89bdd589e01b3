"""What the national platform sends and is answered: the token exchange (RFC 6749 / RFC 7523
shapes), the submission with its `Idempotency-Key`, a request's result, the hub's keys."""

from marshmallow import EXCLUDE, Schema, fields, validate

from schemas.casework import OnBehalfApplicationSchema
from schemas.fields import Moment

IDEMPOTENCY_KEY = "Idempotency-Key"


class TokenRequestSchema(Schema):
    """The form of RFC 6749 §4.4 with the client authenticated by RFC 7523 §2.2. Nothing is
    required here: what is missing or wrong is answered as RFC 6749 §5.2 says, not as 422."""

    class Meta:
        unknown = EXCLUDE

    grant_type = fields.String(load_default=None, metadata={"example": "client_credentials"})
    client_assertion_type = fields.String(load_default=None, metadata={
        "example": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"})
    client_assertion = fields.String(load_default=None, metadata={
        "description": "EdDSA JWT signed with the client's registered key: iss = sub = "
                       "client_id, aud = this endpoint's URL, iat, exp (at most 300 s "
                       "later), a jti never used before"})
    scope = fields.String(load_default=None, metadata={"description": "ignored"})


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"example": 600})


class OAuthErrorSchema(Schema):
    error = fields.String(required=True, metadata={
        "description": "invalid_request | unsupported_grant_type | invalid_client"})
    error_description = fields.String()


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    idempotency_key = fields.String(
        required=True, data_key=IDEMPOTENCY_KEY, validate=validate.Length(min=1, max=200),
        metadata={"description": "the client's own id of this submission: the same key "
                                 "returns the request it filed first and files nothing new"})


class NationalApplicationSchema(OnBehalfApplicationSchema):
    receiving_archive = fields.String(
        required=True, validate=validate.Regexp(r"^\d{6}$"),
        metadata={"description": "the archive that accepts the request and hands out the "
                                 "result", "example": "510500"})
    callback_url = fields.Url(
        schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500),
        metadata={"description": "where status changes are pushed; default the client's "
                                 "registered callback URL"})


class IssuedCertificateSchema(Schema):
    certificate_no = fields.String(required=True, metadata={"example": "500118-2026-1"})
    display_no = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "records | no_record"})
    issuing_archive = fields.Dict(required=True, metadata={"example": {
        "code": "500118", "name": "重庆市永川区档案馆"}})
    issued_on = fields.Date(required=True)
    status = fields.String(required=True, metadata={"description": "valid | revoked"})
    revoked_reason = fields.String(allow_none=True)
    verify_url = fields.String(required=True)
    pdf_url = fields.String(required=True)


class ResultSchema(Schema):
    request_no = fields.String(required=True)
    state = fields.String(required=True, metadata={
        "description": "applied | accepted | completed | refused"})
    final = fields.Boolean(required=True, metadata={
        "description": "completed or refused: the result will not change"})
    closed_at = Moment(allow_none=True)
    refusal_reason = fields.String(allow_none=True)
    certificates = fields.List(fields.Nested(IssuedCertificateSchema), required=True)


class JwksSchema(Schema):
    keys = fields.List(fields.Dict(), required=True, metadata={
        "description": "the hub's Ed25519 public key as an OKP JWK; `kid` is the one in "
                       "the Liancha-Signature header of every callback"})
