"""Log lines of every deployable: text for people, or JSON (one object a line) for machines.

Each record gets `service` (hub or node) and `request_id` when it is made, through the
log record factory, so every handler sees them (also pytest's `caplog`). Both come from
context variables: the request id from `runtime.request_ids`, the service from the app
that is serving the request (`bind_service`), else the process's first one.

JSON lines carry `time` (ISO 8601, UTC), `level`, `logger`, `message`, `service`,
`request_id`, and whatever the call passed in `extra=` (the access log adds `method`,
`path`, `status`, `duration_ms`; `extra` must not name `service` or `request_id`).
`configure_logging` is idempotent: the process gets one root handler on stderr, in place of
a plain one `logging.basicConfig` made, whose format the latest call decides (tests build
many apps). With `json`, Python's warnings are logged too (logger `py.warnings`) rather
than written to stderr as text.
"""

import logging
import sys
from contextvars import ContextVar, Token

from pythonjsonlogger.json import JsonFormatter

from runtime import request_ids

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(service)s %(request_id)s] %(message)s"
JSON_FIELDS = ("levelname", "name", "message", "service", "request_id")
_RENAMED = {"levelname": "level", "name": "logger"}

_service: ContextVar[str | None] = ContextVar("liancha_service", default=None)
_process_service: list[str] = []  # the first service configured in this process


class _Handler(logging.StreamHandler):
    """The one root handler this module installs (recognised by its class). It writes to
    whatever `sys.stderr` is at the time, not the one it was made with (pytest swaps it)."""

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, _: object) -> None:
        pass


def configure_logging(service: str, log_format: str) -> None:
    """Install (once) the root handler and the record factory; set the line format."""
    if not _process_service:
        _process_service.append(service)
    _install_record_factory()
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _Handler)), None)
    if handler is None:
        for plain in [h for h in root.handlers if type(h) is logging.StreamHandler
                      and h.stream in (sys.stderr, sys.__stderr__)]:
            root.removeHandler(plain)  # `logging.basicConfig`'s: it would repeat every line
        handler = _Handler()
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > logging.INFO:
            root.setLevel(logging.INFO)
        logging.getLogger("pikepdf._core").setLevel(logging.WARNING)  # a line at each import
    handler.setFormatter(formatter(log_format))
    logging.captureWarnings(log_format == "json")  # Python's warnings as log lines too


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            [*JSON_FIELDS], rename_fields=_RENAMED, timestamp="time", json_ensure_ascii=False)
    return logging.Formatter(TEXT_FORMAT)


def bind_service(service: str) -> Token:
    return _service.set(service)


def unbind_service(token: Token) -> None:
    _service.reset(token)


def _install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "liancha_context", False):
        return

    def with_context(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.service = _service.get() or (_process_service[0] if _process_service else "-")
        record.request_id = request_ids.current() or "-"
        return record

    with_context.liancha_context = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(with_context)
