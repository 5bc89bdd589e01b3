"""The kiosk surface of the hub: a registered self-service machine in a government service
hall opens a session for a person after reading their ID card (`accounts.kiosks`); the
person sees their own records masked, prints this archive's certificates, and asks for
records held elsewhere with a cross-archive request. The touch page is served at `/kiosk/`,
the API under `/kiosk/api/v1` with its own OpenAPI document at `/kiosk/openapi.json`."""

from flask import Flask

SESSION_SCHEME = {"type": "http", "scheme": "bearer",
                  "bearerFormat": "opaque kiosk session token",
                  "description": "from POST /kiosk/api/v1/sessions; ends on finish or after "
                                 "KIOSK_IDLE_S without a call"}


def register(app: Flask) -> None:
    """Add this surface's blueprints and its OpenAPI document to the hub app."""
    from kiosk_api import page, resources
    from runtime.chinese import speak_chinese
    from schemas.http import surface_api

    api = surface_api(app, "KIOSK", "Liancha kiosk API", "/kiosk")
    api.spec.components.security_scheme("kioskSession", SESSION_SCHEME)
    api.register_blueprint(resources.sessions_blp)
    api.register_blueprint(resources.blp)
    app.register_blueprint(page.pages)
    speak_chinese(app, resources.sessions_blp.name, resources.blp.name, page.pages.name)
