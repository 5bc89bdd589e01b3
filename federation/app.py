"""The hub's app factory: the query API over every archive node of the federation."""

from collections.abc import Mapping

from flask import Flask

from federation.config import hub_settings, read_config
from federation.storage import upgrade_schema
from runtime.database import Database
from schemas.http import ProblemApi, api_settings, register_swagger_assets


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese readable in answers
    read_config(app.config, config)
    settings = hub_settings(app.config)
    app.config.update(api_settings("Liancha hub"))
    app.extensions["liancha.hub"] = settings
    if settings.guards.trusted_proxies:  # the caller's address, as the proxies saw it
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = settings.guards.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    database = Database()
    database.init_app(app, settings.database_url)
    if app.config.get("UPGRADE_SCHEMA", True):
        assert database.engine is not None
        upgrade_schema(database.engine)

    from certificates.tokens import open_keyring
    from federation.background import init_background
    from federation.fanout.cache import cache_secret
    from federation.fanout.setup import build_fanout
    from federation.ratelimit import Budgets, Limits, LoginThrottle
    from federation.resources import batches, certificates, nodes, queries, verify
    from runtime import health
    from runtime.errors import DomainError
    from runtime.nul_characters import refuse_nul_characters
    from runtime.observability import init_observability
    from runtime.problems import register_problem_handlers

    app.extensions["liancha.fanout"] = build_fanout(settings)
    limits = Limits(settings.redis_url, cache_secret(settings.signing_key) + b"rate limits")
    app.extensions["liancha.limits"] = limits
    app.extensions["liancha.budgets"] = Budgets.of(settings.guards)
    app.extensions["liancha.login_throttle"] = LoginThrottle(
        limits, settings.guards.login_failures_per_user,
        settings.guards.login_failures_per_address)
    app.extensions["liancha.certificate_keys"] = open_keyring(settings.certificate_keys)
    api = ProblemApi(app)
    api.spec.components.security_scheme(
        "identityToken", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (EdDSA)"}
    )
    api.register_blueprint(queries.blp)
    api.register_blueprint(certificates.blp)
    api.register_blueprint(batches.blp)
    api.register_blueprint(nodes.blp)
    api.register_blueprint(verify.blp)
    if settings.upper is not None:  # this hub answers an upper hub as a node does
        from federation.resources import node_api

        api.spec.components.security_scheme(
            "upperHubToken", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (EdDSA)"})
        api.register_blueprint(node_api.blp)
    app.register_blueprint(health.blp)
    app.register_blueprint(verify.pages)
    register_swagger_assets(app)
    register_problem_handlers(app, DomainError, "liancha-hub")

    # the four ways in, each with its own OpenAPI document (docs/permissions.md)
    import kiosk_api
    import mobile_api
    import national_api
    import workbench

    for surface in (mobile_api, kiosk_api, workbench, national_api):
        surface.register(app)
    init_background(app)  # Celery with Redis, or in the hub's own process
    from federation.reads import audit_refused_reads

    audit_refused_reads(app)  # every refused look at personal data is audited too
    init_observability(app, "hub", settings.log_format)  # /metrics, request ids, logs
    refuse_nul_characters(app)  # before any view, and any surface's own checks
    from runtime.request_limits import limit_requests

    limit_requests(app, settings.guards.max_body_bytes,  # first of all: before the NUL check
                   {"verify_pages.upload": settings.guards.max_upload_bytes})
    from federation.probes import NodeHealthMetrics
    from runtime.metrics import EXTENSION

    app.extensions[EXTENSION].add_reader(NodeHealthMetrics(database.session))
    return app
