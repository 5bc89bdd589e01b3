"""Domain errors and storage failures as problem+json: the one place they meet HTTP.

A deployable's domain errors carry `status`, `title`, `detail` and, for validation,
`errors`; registering its base class maps all of them.
"""

import logging

from flask import Flask, Response
from sqlalchemy.exc import OperationalError

from schemas.http import problem_response

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5  # a database restart or failover is over in seconds


def register_problem_handlers(app: Flask, domain_error: type[Exception], realm: str) -> None:
    def domain(error: Exception) -> Response:
        status = getattr(error, "status", 500)
        headers = dict(getattr(error, "headers", None) or {})
        if status == 401:
            headers["WWW-Authenticate"] = f'Bearer realm="{realm}"'
        return problem_response(status, getattr(error, "detail", str(error)),
                                getattr(error, "title", None), getattr(error, "errors", None),
                                headers, error)

    def database_down(error: OperationalError) -> Response:
        log.error("database unavailable: %s", error.orig)
        return problem_response(503, "The database cannot be reached; try again later.",
                                "Database unavailable",
                                headers={"Retry-After": str(RETRY_AFTER_S)})

    app.register_error_handler(domain_error, domain)
    app.register_error_handler(OperationalError, database_down)
