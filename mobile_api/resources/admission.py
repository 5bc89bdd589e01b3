"""Who gets in to the app API: a citizen's token, within their rate limit, every request.

The order is the issue's: authenticate, then count the request against the caller's own
limit (`context.caller` counts every identified call, on every surface: a person's app and
kiosk calls and their hub API calls share one budget), then refuse anyone who is not a
citizen. A body is read
only after all three, so a refused caller never learns whether their body was valid.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import g
from flask_smorest import Blueprint

from federation.resources import context
from mobile_api.wording import NOT_A_CITIZEN, SIGN_IN_AGAIN
from runtime.errors import PermissionDenied, Unauthorized
from schemas.search import ProblemSchema

BEARER = [{"bearerToken": []}]
View = TypeVar("View", bound=Callable[..., object])


def admit() -> None:
    """Every app blueprint's before_request."""
    try:
        identity = context.caller()
    except Unauthorized as error:  # the shared sentence mentions ID cards: kiosks only
        raise Unauthorized(error.detail, zh=SIGN_IN_AGAIN) from error
    if identity.role != "citizen":
        raise PermissionDenied(f"The app API is for citizens; a {identity.role} token is "
                               "refused.", zh=NOT_A_CITIZEN)
    g.identity = identity


def citizen_only(blp: Blueprint) -> Callable[[View], View]:
    """The OpenAPI side of `admit` on one operation: bearer security and its refusals."""
    def document(view: View) -> View:
        view = blp.doc(security=BEARER)(view)
        view = blp.alt_response(401, schema=ProblemSchema,
                                description="No token, or a refused one")(view)
        view = blp.alt_response(403, schema=ProblemSchema,
                                description="Not a citizen's token")(view)
        return blp.alt_response(429, schema=ProblemSchema, description="Over the caller's "
                                "rate limit", headers={"Retry-After": {
                                    "description": "seconds to wait",
                                    "schema": {"type": "integer"}}})(view)
    return document
