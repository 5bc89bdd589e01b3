"""The citizen app's API (网上查档大厅): my records, my certificates, my cross-archive
requests, at `/mobile/api/v1`, with its own OpenAPI document at `/mobile/openapi.json`.

Every request carries a citizen's token from the app's identity provider; the subject of
everything asked is the token's. Errors are problem+json in Chinese; each person has one
rate limit, whichever surface they call (`federation.ratelimit`).
"""

from flask import Flask


def register(app: Flask) -> None:
    """Add this surface's blueprints and its OpenAPI document to the hub app."""
    from mobile_api.resources import archives, certificates, queries, requests
    from runtime.chinese import speak_chinese
    from schemas.http import surface_api

    api = surface_api(app, "MOBILE", "Liancha mobile app API", "/mobile")
    blueprints = [module.blp for module in (queries, certificates, requests, archives)]
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    speak_chinese(app, *(blueprint.name for blueprint in blueprints),
                  paths=("/mobile/api/",))
