"""Domain errors and storage failures as problem+json: the one place they meet HTTP."""

import logging

from flask import Flask, Response
from sqlalchemy.exc import OperationalError

from nodes.errors import InvalidInput, NodeError, Unauthorized
from schemas.http import problem_response

log = logging.getLogger(__name__)


def _node_error(error: NodeError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="liancha-node"'} \
        if isinstance(error, Unauthorized) else None
    errors = error.errors if isinstance(error, InvalidInput) else None
    return problem_response(error.status, error.detail, error.title, errors, headers)


def _database_down(error: OperationalError) -> Response:
    log.error("database unavailable: %s", error.orig)
    return problem_response(503, "The archive's database cannot be reached; try again later.",
                            "Database unavailable", headers={"Retry-After": "5"})


def register_problem_handlers(app: Flask) -> None:
    app.register_error_handler(NodeError, _node_error)
    app.register_error_handler(OperationalError, _database_down)
