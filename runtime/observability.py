"""`/metrics`, request ids and log lines for every deployable (docs/operations.md).

`init_observability` wires, for each request: its id (`runtime.request_ids`), bound for
the log records (`runtime.logs`) from the moment Flask starts the request (the
`request_started` signal, before any `before_request` hook may refuse it) until its
teardown; then the `X-Request-Id` answer header, the request's metrics and one access
log line. `/metrics` is not behind any authentication: bind or proxy it privately.
"""

import logging
import time
from contextvars import ContextVar

from flask import Blueprint, Flask, Response, current_app, g, request, request_started
from prometheus_client import CONTENT_TYPE_LATEST

from runtime import logs, request_ids
from runtime.metrics import EXTENSION, UNMATCHED, AppMetrics

ACCESS_LOG = logging.getLogger("liancha.access")
QUIET_ENDPOINTS = frozenset({"/metrics", "/healthz", "/readyz"})  # probes: access log at DEBUG
# url variables that are bearer secrets (a certificate's signed QR token carries the masked
# holder's name): the access log writes the variable's name instead of its value
SECRET_VARIABLES = frozenset({"token"})

_arrived: ContextVar[float | None] = ContextVar("liancha_request_arrived", default=None)

blp = Blueprint("observability", __name__)


@blp.get("/metrics")
def metrics() -> Response:
    """Prometheus text format (for the archive's monitoring network only)."""
    body = current_app.extensions[EXTENSION].exposition()
    return Response(body, content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


def init_observability(app: Flask, service: str, log_format: str = "text") -> None:
    """Wire metrics, request ids and logs for `service` (hub or node)."""
    logs.configure_logging(service, log_format)
    app.extensions[EXTENSION] = AppMetrics(service)
    app.extensions["liancha.service"] = service
    app.register_blueprint(blp)
    request_started.connect(_begin, app)  # a module-level receiver: blinker keeps it
    app.after_request(_finish)
    app.teardown_request(_unbind)


def request_age_s() -> float:
    """Seconds since the current request arrived (0 outside any request): what is left of
    a deadline counted from the arrival is the deadline less this."""
    arrived = _arrived.get()
    return 0.0 if arrived is None else time.perf_counter() - arrived


def _begin(sender: Flask, **_: object) -> None:
    g.x_request_id = request_ids.adopt(request.headers.get(request_ids.HEADER))
    g.observability_started = time.perf_counter()
    g.observability_tokens = (request_ids.bind(g.x_request_id),
                              logs.bind_service(sender.extensions["liancha.service"]),
                              _arrived.set(g.observability_started))


def _finish(response: Response) -> Response:
    request_id = g.get("x_request_id") or request_ids.new_request_id()
    response.headers[request_ids.HEADER] = request_id
    seconds = time.perf_counter() - g.get("observability_started", time.perf_counter())
    rule = request.url_rule
    endpoint = rule.rule if rule is not None else UNMATCHED
    current_app.extensions[EXTENSION].observe_request(
        request.method, endpoint, response.status_code, seconds)
    level = logging.DEBUG if endpoint in QUIET_ENDPOINTS else logging.INFO
    duration_ms = round(seconds * 1000, 1)
    path = _loggable_path()
    ACCESS_LOG.log(level, "%s %s %d %.1f ms", request.method, path,
                   response.status_code, duration_ms,
                   extra={"method": request.method, "path": path,
                          "status": response.status_code, "duration_ms": duration_ms,
                          "endpoint": endpoint})
    return response


def _loggable_path() -> str:
    """The path without its query string, secret url variables replaced by their names,
    and characters that are not printable escaped (a %0A in a path must not start a forged
    line of the text log)."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VARIABLES and value:
            path = path.replace(str(value), f"<{name}>")
    if path.isprintable():
        return path
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in path)


def _unbind(_: BaseException | None) -> None:
    tokens = g.pop("observability_tokens", None)
    if tokens is None:
        return
    try:
        _arrived.reset(tokens[2])
        logs.unbind_service(tokens[1])
        request_ids.unbind(tokens[0])
    except ValueError:  # the tokens belong to another context: nothing of ours is bound here
        pass
