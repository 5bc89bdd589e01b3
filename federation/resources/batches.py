"""Certificate batches: many certificates at once, issued in the background."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from certificates.batches import get_batch, submit_batch
from federation.resources import context
from schemas.certificates import BatchRequestSchema, BatchSchema
from schemas.search import ProblemSchema

BEARER = [{"identityToken": []}]
blp = Blueprint("certificate_batches", __name__, url_prefix="/api/v1/certificate-batches",
                description="Certificate batches, issued by background workers")


blp.before_request(context.authenticate)


@blp.route("")
class Batches(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BatchRequestSchema)
    @blp.response(202, BatchSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(403, schema=ProblemSchema, description="Not a clerk who issues")
    def post(self, body: dict) -> dict:
        """Queue certificates from queries of the clerk's archive; follow them with GET."""
        return submit_batch(context.session(), g.identity, body)


@blp.route("/<string:batch_id>")
class BatchById(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, BatchSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(403, schema=ProblemSchema, description="Not a clerk who issues")
    @blp.alt_response(404, schema=ProblemSchema, description="No such batch of your archive")
    def get(self, batch_id: str) -> dict:
        """A batch's progress: each item's state and certificate number."""
        return get_batch(context.session(), g.identity, batch_id)
