"""The hub query API v1: ask every archive in scope at once, get persons and records back."""

from flask import Response, g, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from federation.resources import context
from federation.services.queries import get_query, run_query
from schemas.hub import QueryAnswerSchema, QueryRequestSchema
from schemas.search import ProblemSchema

BEARER = [{"identityToken": []}]
blp = Blueprint("queries", __name__, url_prefix="/api/v1/queries",
                description="Joint queries across archives")


blp.before_request(context.authenticate)


@blp.route("")
class Queries(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(QueryRequestSchema)
    @blp.response(200, QueryAnswerSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(403, schema=ProblemSchema, description="Not allowed for this role")
    def post(self, body: dict) -> Response:
        """Ask every archive in scope; answer persons, records and one status per archive."""
        # sent as built, not dumped again through QueryAnswerSchema (which documents it):
        # the hub answers every query, and the dump was a tenth of its work
        return jsonify(run_query(context.session(), context.settings(), context.fanout(),
                                 g.identity, body))


@blp.route("/<string:query_id>")
class QueryById(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, QueryAnswerSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(403, schema=ProblemSchema, description="Not allowed for this role")
    @blp.alt_response(404, schema=ProblemSchema, description="No such query for this caller")
    def get(self, query_id: str) -> Response:
        """A query's answer as it was given."""
        return jsonify(get_query(context.session(), g.identity, query_id))
