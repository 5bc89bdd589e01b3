"""My cross-archive requests: apply for myself, list mine, follow one's progress."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from federation.resources import context
from mobile_api.resources.admission import admit, citizen_only
from mobile_api.schemas import MyApplicationSchema, RequestProgressSchema, RequestSummarySchema
from mobile_api.services import apply_for_myself, my_request, my_requests
from schemas.search import ProblemSchema

blp = Blueprint("mobile_requests", __name__, url_prefix="/mobile/api/v1/requests",
                description="跨馆查档申请: the caller's cross-archive requests")
blp.before_request(admit)


@blp.route("")
class MyRequests(MethodView):
    @citizen_only(blp)
    @blp.response(200, RequestSummarySchema(many=True))
    def get(self) -> list[dict]:
        """The caller's requests, newest first, whichever way they were filed."""
        return my_requests(context.session(), context.settings(), g.identity)

    @citizen_only(blp)
    @blp.arguments(MyApplicationSchema)
    @blp.response(201, RequestProgressSchema)
    def post(self, body: dict) -> dict:
        """Apply for a search of other archives' holdings, received by the archive named
        (which hands out the result); the subject is the caller."""
        return apply_for_myself(context.session(), context.settings(), g.identity, body)


@blp.route("/<string:request_no>")
class MyRequest(MethodView):
    @citizen_only(blp)
    @blp.response(200, RequestProgressSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="Not one of the caller's")
    def get(self, request_no: str) -> dict:
        """Where the request is: steps and deadlines, each holding archive's answer, history."""
        return my_request(context.session(), context.settings(), g.identity, request_no)
