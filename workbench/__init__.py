"""The clerk workbench: the clerk API (`/clerk/api/v1`, its own OpenAPI document at
`/clerk/openapi.json`) and the server-rendered pages under `/workbench/`, over the casework
services and the clerk accounts (`accounts.clerks`)."""

from flask import Flask


def register(app: Flask) -> None:
    """Add this surface's blueprints and its OpenAPI document to the hub app."""
    from runtime.chinese import speak_chinese
    from schemas.http import surface_api
    from workbench import api
    from workbench.login_pages import logins
    from workbench.pages import pages

    clerk_api = surface_api(app, "CLERK", "Liancha clerk workbench API", "/clerk")
    clerk_api.register_blueprint(api.sessions)
    clerk_api.register_blueprint(api.blp)
    app.register_blueprint(logins)
    app.register_blueprint(pages)
    # a problem answer that escapes the pages' own handlers is still in Chinese
    speak_chinese(app, logins.name, pages.name)
