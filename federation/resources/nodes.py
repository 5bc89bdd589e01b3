"""The archives' nodes as the hub last saw them: scheduled probes and circuits."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from federation.probes import node_health
from federation.resources import context
from schemas.hub import NodeHealthSchema
from schemas.search import ProblemSchema

BEARER = [{"identityToken": []}]
blp = Blueprint("nodes", __name__, url_prefix="/api/v1/nodes",
                description="Each archive node's health, as probed")


blp.before_request(context.authenticate)


@blp.route("")
class Nodes(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, NodeHealthSchema(many=True))
    @blp.alt_response(401, schema=ProblemSchema, description="Missing or refused token")
    @blp.alt_response(429, schema=ProblemSchema, description="Over the caller's rate limit: "
                      "wait (Retry-After)")
    @blp.alt_response(403, schema=ProblemSchema, description="Not a clerk")
    def get(self) -> list[dict]:
        """Every archive's last probe (every PROBE_INTERVAL_S) and its circuit now."""
        return node_health(context.session(), context.settings(), g.identity,
                           context.fanout().breaker_state)
