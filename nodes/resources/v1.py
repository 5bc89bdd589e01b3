"""The node API v1 of the standard: service-info, search, record by id."""

import logging
import time

from flask import Response, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from nodes.errors import NoLocator
from nodes.resources import context
from nodes.services.auth import authorize_hub_call
from nodes.services.locator import locator_tag, published_locator
from nodes.services.records import counts_by_type, get_record
from nodes.services.search import search
from schemas.fields import RECORD_TYPES
from schemas.records import RecordSchema
from schemas.search import (
    LocatorSchema,
    ProblemSchema,
    SearchAnswerSchema,
    SearchRequestSchema,
    ServiceInfoSchema,
)
from schemas.signing import SIGNATURE_HEADER, public_jwk, sign_body

STANDARD_VERSION = "1.1"  # 1.1: search answers say how common the name is, and who shares it
HUB_TOKEN = [{"hubToken": []}]
blp = Blueprint("v1", __name__, url_prefix="/v1", description="The node API of standard v1")
log = logging.getLogger("liancha.node.access")


@blp.before_request
def authorize() -> None:
    """Everything but service-info needs a hub token, checked before the body is read."""
    if request.endpoint == "v1.ServiceInfo" or request.method == "OPTIONS":
        return
    node = context.settings()
    g.hub_call = authorize_hub_call(context.session(), node,
                                    request.headers.get("Authorization"))


@blp.after_request
def sign_answer(response: Response) -> Response:
    """Every v1 answer carries the node's signature over its exact body."""
    node = context.settings()
    response.headers[SIGNATURE_HEADER] = sign_body(
        node.signing_key, response.get_data(), node.archive_code, g.get("request_id")
    )
    return response


@blp.route("/service-info")
class ServiceInfo(MethodView):
    @blp.response(200, ServiceInfoSchema)
    def get(self) -> dict:
        """What this node is: archive, standard version, record counts, signing keys."""
        node = context.settings()
        counts = counts_by_type(context.session())
        return {
            "archive": {"code": node.archive_code, "name": node.archive_name,
                        "region_code": node.region_code},
            "standard_version": STANDARD_VERSION,
            # the types it holds: a hub need not ask it for the others
            "record_types": [t for t in RECORD_TYPES if counts.get(t)],
            "counts": {record_type: counts.get(record_type, 0) for record_type in RECORD_TYPES},
            "signing_keys": [public_jwk(node.signing_key.public_key())],
        }


@blp.route("/search")
class Search(MethodView):
    @blp.doc(security=HUB_TOKEN)
    @blp.arguments(SearchRequestSchema)
    @blp.response(200, SearchAnswerSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused hub token")
    def post(self, body: dict) -> dict:
        """Find the records in which the subject may be a party, with the reason for each."""
        started = time.perf_counter()
        g.request_id = body["request_id"]
        node = context.settings()
        result = search(context.session(), node, body)
        log.info("search request_id=%s jti=%s purpose=%r total=%d", body["request_id"],
                 g.hub_call.jti, g.hub_call.purpose, result.total)
        answer = {
            "archive": {"code": node.archive_code, "name": node.archive_name},
            "request_id": body["request_id"],
            "records": result.records,
            "total": result.total,
            "truncated": result.truncated,
        }
        if result.name_frequency is not None:
            answer["name_frequency"] = result.name_frequency
        if result.namesakes is not None:
            answer["namesakes"] = result.namesakes
        answer["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return answer


@blp.route("/locator")
class RecordLocator(MethodView):
    @blp.doc(security=HUB_TOKEN)
    @blp.response(200, LocatorSchema)
    @blp.alt_response(304, description="The locator has not changed since the ETag given")
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused hub token")
    @blp.alt_response(404, schema=ProblemSchema, description="No locator is published (an "
                      "import is running, or no locator key): ask this node every time")
    def get(self) -> dict | Response:
        """Which subjects this archive may hold, as keyed hashes in a Bloom filter."""
        node = context.settings()
        session = context.session()
        tag = locator_tag(session)
        if tag is None:
            raise NoLocator("this node publishes no locator now: ask it every time")
        if request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag})
        locator = published_locator(session, {"code": node.archive_code,
                                              "name": node.archive_name})
        if locator is None:  # replaced between the two reads
            raise NoLocator("this node publishes no locator now: ask it every time")
        log.info("locator jti=%s keys=%d", g.hub_call.jti, locator["keys"])
        return locator, 200, {"ETag": tag}


@blp.route("/records/<path:record_id>")
class RecordById(MethodView):
    @blp.doc(security=HUB_TOKEN)
    @blp.response(200, RecordSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused hub token")
    @blp.alt_response(404, schema=ProblemSchema, description="No such record here")
    def get(self, record_id: str) -> dict:
        """One record by its standard id."""
        node = context.settings()
        record = get_record(context.session(), node, record_id)
        log.info("record %s jti=%s purpose=%r", record_id, g.hub_call.jti, g.hub_call.purpose)
        return record
