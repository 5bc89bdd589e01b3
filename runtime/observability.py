"""(being built in issue 6) `/metrics`, request ids and log format for every deployable."""

from flask import Flask


def init_observability(app: Flask, service: str, log_format: str = "text") -> None:
    """Wire metrics, request ids and logs for `service` (hub or node)."""
