"""What a request may be, checked before anything reads it: a body within its size, and a
JSON body that can be read without harm.

- **Size.** Every API takes bodies of at most `MAX_BODY_BYTES` (a few hundred KiB is far
  more than any of its JSON bodies needs); an endpoint may allow more (the verification
  page's PDF upload). A larger `Content-Length` is answered 413 at once, before a byte of
  the body is read; a body sent without one (chunked) is read one byte past the limit and
  no further, then answered 413, so a 100 MB body never sits in a worker's memory.
- **JSON.** A body that nests more than `MAX_JSON_DEPTH` levels, or holds a lone UTF-16
  surrogate (`"\\ud800"`: no UTF-8 text, no PostgreSQL column can hold one), is malformed:
  400, before any view or schema sees it (Python's own parser would raise a RecursionError
  on the first, and the second would fail the statement that stored it: both a 500).
"""

import json
from collections.abc import Mapping

from flask import Flask, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

MAX_JSON_DEPTH = 32


def limit_requests(app: Flask, max_bytes: int, larger: Mapping[str, int] | None = None) -> None:
    """Check every request of `app` first of all (before the other before_request hooks);
    `larger`: endpoint -> its own body limit."""
    allowed = dict(larger or {})

    def check() -> None:
        limit = allowed.get(request.endpoint or "", max_bytes)
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge(f"The request body is {request.content_length} bytes; "
                                        f"this address takes at most {limit}.")
        if request.content_length is None and request.method in ("POST", "PUT", "PATCH"):
            # no length said (chunked): read one byte past the limit, and no further
            request.max_content_length = limit + 1
            if len(request.get_data(cache=True)) > limit:
                raise RequestEntityTooLarge(f"The request body is larger than this address "
                                            f"takes ({limit} bytes).")
        request.max_content_length = limit
        if request.is_json and request.content_length != 0:
            _readable_json(request.get_data(cache=True))

    app.before_request_funcs.setdefault(None, []).insert(0, check)


def _readable_json(body: bytes) -> None:
    if not body:
        return
    try:
        value = json.loads(body)
    except RecursionError:
        raise BadRequest(f"The JSON body nests too deeply (more than {MAX_JSON_DEPTH} "
                         "levels).") from None
    except (ValueError, UnicodeDecodeError):
        return  # not JSON at all: the view's own parser says so, as before
    problem = _problem(value, 0)
    if problem:
        raise BadRequest(f"The JSON body {problem}.")


def _problem(value: object, depth: int) -> str | None:
    if depth > MAX_JSON_DEPTH:
        return f"nests too deeply (more than {MAX_JSON_DEPTH} levels)"
    if isinstance(value, str):
        return _lone_surrogate(value)
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        problem = _problem(item, depth + 1)
        if problem:
            return problem
    return None


def _lone_surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a lone UTF-16 surrogate (such as \\ud800), which is not text"
    return None
