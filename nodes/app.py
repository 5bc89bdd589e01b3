"""The node's app factory: one archive's catalogue behind the standard's HTTP API."""

from collections.abc import Mapping

from flask import Flask

from nodes.config import node_settings, read_config
from nodes.storage import upgrade_schema
from runtime.database import Database
from schemas.http import ProblemApi, api_settings, register_swagger_assets


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    read_config(app.config, config)
    settings = node_settings(app.config)
    app.config.update(api_settings(f"Liancha node {settings.archive_code} "
                                   f"{settings.archive_name}"))
    app.extensions["liancha.node"] = settings

    database = Database()
    database.init_app(app, settings.database_url)
    if app.config.get("UPGRADE_SCHEMA", True):
        assert database.engine is not None
        upgrade_schema(database.engine)

    from nodes.resources import v1
    from runtime import health
    from runtime.errors import DomainError
    from runtime.nul_characters import refuse_nul_characters
    from runtime.observability import init_observability
    from runtime.problems import register_problem_handlers

    api = ProblemApi(app)
    api.spec.components.security_scheme(
        "hubToken", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (EdDSA)"}
    )
    api.register_blueprint(v1.blp)
    app.register_blueprint(health.blp)
    register_swagger_assets(app)
    register_problem_handlers(app, DomainError, "liancha-node")
    init_observability(app, "node", settings.log_format)  # /metrics, request ids, logs
    refuse_nul_characters(app)  # before any view, and any surface's own checks
    from runtime.request_limits import limit_requests

    limit_requests(app, app.extensions["liancha.node"].max_body_bytes)  # first of all
    return app
