"""The node API v1, served by a hub to its upper hub (only when it has one): service-info
and search, the hub's signature on every answer, as an archive's node serves them."""

import orjson
from flask import Response, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from federation.resources import context
from federation.upward.records import relayed_record
from federation.upward.service import (
    audit_relayed_record,
    authorize_upper_call,
    hub_locator,
    search_below,
    service_info,
)
from schemas.nesting import (
    DEADLINE_HEADER,
    HubLocatorSchema,
    HubSearchAnswerSchema,
    HubServiceInfoSchema,
    RelayedRecordSchema,
)
from schemas.search import ProblemSchema, SearchRequestSchema
from schemas.signing import SIGNATURE_HEADER, sign_body

UPPER_TOKEN = [{"upperHubToken": []}]
blp = Blueprint("node_api", __name__, url_prefix="/v1",
                description="The node API of standard v1, served to an upper hub")


@blp.before_request
def authorize() -> None:
    """Everything but service-info needs the upper hub's token, before the body is read."""
    if request.endpoint == "node_api.HubServiceInfo" or request.method == "OPTIONS":
        return
    upper = context.settings().upper
    assert upper is not None  # the blueprint is registered only with an upper hub
    g.upper_call = authorize_upper_call(context.session(), upper,
                                        request.headers.get("Authorization"))


@blp.after_request
def sign_answer(response: Response) -> Response:
    """Every answer carries this hub's signature over its exact body."""
    settings = context.settings()
    assert settings.upper is not None
    response.headers[SIGNATURE_HEADER] = sign_body(
        settings.signing_key, response.get_data(), settings.upper.code, g.get("request_id"))
    return response


@blp.route("/service-info")
class HubServiceInfo(MethodView):
    @blp.response(200, HubServiceInfoSchema)
    def get(self) -> dict:
        """What this hub is to its upper hub: its code, its key, the entries below it."""
        return service_info(context.settings())


@blp.route("/search")
class HubSearch(MethodView):
    @blp.doc(security=UPPER_TOKEN)
    @blp.arguments(SearchRequestSchema)
    @blp.response(200, HubSearchAnswerSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    def post(self, body: dict) -> Response:
        """The search, asked of this hub's archives; each one's signed answer relayed."""
        g.request_id = body["request_id"]
        answer = search_below(context.session(), context.settings(), context.fanout(),
                              g.upper_call, body, request.headers.get(DEADLINE_HEADER))
        # written as built (orjson), not dumped field by field through the schema: the
        # statuses of every archive below, on the way of every query from above
        return Response(orjson.dumps(answer), mimetype="application/json")


@blp.route("/locator")
class HubLocator(MethodView):
    @blp.doc(security=UPPER_TOKEN)
    @blp.response(200, HubLocatorSchema)
    @blp.alt_response(304, description="The locator has not changed since the ETag given")
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(404, schema=ProblemSchema, description="Not every archive below has "
                      "a fresh locator: ask this hub every time")
    def get(self) -> dict | Response:
        """The union of this hub's archives' record locators."""
        locator, tag = hub_locator(context.settings(), context.fanout())
        if request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag})
        return locator, 200, {"ETag": tag}


@blp.route("/records/<path:record_id>")
class HubRecordById(MethodView):
    @blp.doc(security=UPPER_TOKEN)
    @blp.response(200, RelayedRecordSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(404, schema=ProblemSchema, description="No such record below this hub")
    @blp.alt_response(502, schema=ProblemSchema, description="The archive's answer is unusable")
    def get(self, record_id: str) -> Response:
        """One record by its standard id, from the archive below that holds it."""
        answer = relayed_record(context.settings(), record_id, g.upper_call.purpose)
        audit_relayed_record(context.session(), g.upper_call, record_id)
        return Response(orjson.dumps(answer), mimetype="application/json")
