"""The request id: one short token that names an HTTP request in every log line it causes.

An incoming `X-Request-Id` is kept when it is well formed (a proxy or the hub chose it),
otherwise a new one is made; it is on `flask.g.x_request_id`, in the response's
`X-Request-Id` header, and in a context variable that the log records read (see
`runtime.logs`). The context variable, unlike `g`, reaches threads that run a copy of the
request's context (`contextvars.copy_context().run`), which is how the fan-out's worker
threads send the hub's id on to every node (`federation/fanout/client.py`).

`g.request_id` is not used for this on purpose: on a node it is the search's own
`request_id` (the query id in the body), which the node signs; the two may differ.
"""

import re
import uuid
from contextvars import ContextVar, Token

HEADER = "X-Request-Id"
# letters, digits and . _ : - only, at most 100 characters (the node API's request_id limit):
# anything else (spaces, newlines, non-ASCII, a 10 kB header) would forge or flood log lines
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")

_current: ContextVar[str | None] = ContextVar("liancha_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def well_formed(candidate: str | None) -> bool:
    return candidate is not None and _WELL_FORMED.fullmatch(candidate) is not None


def adopt(incoming: str | None) -> str:
    """The incoming id if it is well formed, else a new one."""
    return incoming if well_formed(incoming) else new_request_id()  # type: ignore[return-value]


def current() -> str | None:
    """The id of the request this code runs for, or None outside of any request."""
    return _current.get()


def bind(request_id: str | None) -> Token:
    """Make `request_id` the current one; give the token to `unbind` when the request ends."""
    return _current.set(request_id)


def unbind(token: Token) -> None:
    _current.reset(token)
