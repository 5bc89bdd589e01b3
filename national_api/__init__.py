"""(being built) the national_api surface of the hub."""

from flask import Flask


def register(app: Flask) -> None:
    """Add this surface's blueprints and its OpenAPI document to the hub app."""
