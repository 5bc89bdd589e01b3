"""The token endpoint (a signed client assertion for an access token) and the hub's public
keys, with which the platform checks the callbacks it receives. No bearer token here.

Errors of the token endpoint are RFC 6749 §5.2 JSON, not problem+json: an OAuth client
library reads `error`. A request that is malformed (a parameter missing, a wrong
`client_assertion_type`) is 400 `invalid_request`; a grant other than client credentials is
400 `unsupported_grant_type`; an assertion that is refused for any reason (algorithm,
signature, issuer, audience, lifetime, expiry, replayed `jti`, unknown or deactivated
client) is 401 `invalid_client`, with `WWW-Authenticate` as RFC 6749 allows.
"""

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from accounts.platform import ASSERTION_TYPE, GRANT_TYPE, TokenRefused, token_for_assertion
from federation.ratelimit import RateLimited
from federation.resources import context
from national_api.schemas import JwksSchema, OAuthErrorSchema, TokenRequestSchema, TokenSchema
from schemas.signing import public_jwk

blp = Blueprint("national_token", __name__, url_prefix="/national/api/v1",
                description="Access tokens for platform clients; the hub's public keys")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1


@blp.errorhandler(RateLimited)
def too_many(error: RateLimited) -> Response:
    response = jsonify({"error": "slow_down", "error_description": error.detail})
    response.status_code = 429
    response.headers.update({**NO_STORE, **error.headers})
    return response


@blp.errorhandler(TokenRefused)
def token_refused(error: TokenRefused) -> Response:
    response = jsonify({"error": error.error, "error_description": error.detail})
    response.status_code = error.status
    response.headers.update(NO_STORE)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="liancha-national"'
    return response


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequestSchema, location="form", error_status_code=400)
    @blp.response(200, TokenSchema)
    @blp.alt_response(400, schema=OAuthErrorSchema,
                      description="invalid_request or unsupported_grant_type")
    @blp.alt_response(401, schema=OAuthErrorSchema,
                      description="invalid_client: the assertion is refused")
    @blp.alt_response(429, schema=OAuthErrorSchema, description="Too many token requests "
                      "from this address: wait (Retry-After)")
    def post(self, form: dict) -> tuple[dict, int, dict]:
        """An access token for a signed client assertion (RFC 7523 §2.2, RFC 6749 §4.4).

        Send `application/x-www-form-urlencoded`: `grant_type=client_credentials`,
        `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`,
        `client_assertion=<JWT>`. Use the token as `Authorization: Bearer` on the other
        endpoints until it expires, then ask again with a new assertion."""
        context.count_address("token")
        _check_form(form)
        grant = token_for_assertion(context.session(), context.settings(),
                                    form["client_assertion"])
        return ({"access_token": grant.access_token, "token_type": "Bearer",
                 "expires_in": grant.expires_in}, 200, NO_STORE)


@blp.route("/keys")
class Keys(MethodView):
    @blp.response(200, JwksSchema)
    def get(self) -> dict:
        """The hub's public signing key (JWKS): verifies the `Liancha-Signature` of callbacks
        (a JWS over the SHA-256 of the exact body bytes)."""
        return {"keys": [public_jwk(context.settings().signing_key.public_key())]}


def _check_form(form: dict) -> None:
    if not form.get("grant_type"):
        raise TokenRefused("invalid_request", "grant_type is required "
                           "(form-encoded: application/x-www-form-urlencoded).", 400)
    if form["grant_type"] != GRANT_TYPE:
        raise TokenRefused("unsupported_grant_type",
                           f"Only grant_type={GRANT_TYPE} is supported.", 400)
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise TokenRefused("invalid_request",
                           f"client_assertion_type must be {ASSERTION_TYPE}.", 400)
    if not form.get("client_assertion"):
        raise TokenRefused("invalid_request", "client_assertion is required.", 400)
