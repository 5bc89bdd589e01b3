"""The national archives query platform's way in (全国档案查询利用服务平台): a registered
client exchanges a signed client assertion for a token (RFC 7523), submits requests under
an `Idempotency-Key`, reads their status and results, and receives signed callbacks.

Its own OpenAPI document is at `/national/openapi.json`; errors are English problem+json
(the token endpoint answers RFC 6749 errors).
"""

from flask import Flask


def register(app: Flask) -> None:
    """Add this surface's blueprints and its OpenAPI document to the hub app (callbacks are
    background work: `federation.jobs.deliver_callbacks`)."""
    from national_api import submissions, token
    from schemas.http import surface_api

    api = surface_api(app, "NATIONAL", "Liancha national platform API", "/national")
    api.register_blueprint(token.blp)
    api.register_blueprint(submissions.blp)
