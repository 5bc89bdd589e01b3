"""My records: a citizen queries every archive about themselves, and reads a query again."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from federation.resources import context
from federation.services.queries import get_query, run_query
from mobile_api.resources.admission import admit, citizen_only
from mobile_api.schemas import MyQuerySchema
from schemas.hub import QueryAnswerSchema
from schemas.search import ProblemSchema

blp = Blueprint("mobile_queries", __name__, url_prefix="/mobile/api/v1/queries",
                description="我的档案: queries about the caller's own records")
blp.before_request(admit)


@blp.route("")
class MyQueries(MethodView):
    @citizen_only(blp)
    @blp.arguments(MyQuerySchema)
    @blp.response(200, QueryAnswerSchema)
    def post(self, body: dict) -> dict:
        """Ask every archive for the records in which the caller is a party (the subject is
        the token's; a body naming one is refused)."""
        return run_query(context.session(), context.settings(), context.fanout(), g.identity,
                         body)


@blp.route("/<string:query_id>")
class MyQuery(MethodView):
    @citizen_only(blp)
    @blp.response(200, QueryAnswerSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="Not one of the caller's queries")
    def get(self, query_id: str) -> dict:
        """One of the caller's queries, as it was answered."""
        return get_query(context.session(), g.identity, query_id)
