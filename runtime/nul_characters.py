"""Requests whose text holds a NUL character (U+0000) are refused before anything else.

No value of the standard, the hub or a node holds one, and PostgreSQL's text cannot: a
query id, a purpose or a username with a NUL failed the statement that looked it up or
stored it (a 500), where SQLite kept it silently. Like a body that is not JSON, such a
request is malformed rather than invalid in one field, so it gets the same 400, from every
deployable, wherever the NUL is: the address, a header, the query string, a url-encoded
form or a JSON body. The answer names only where the NUL was: it says nothing of field
validation to a caller whose token has not been checked yet (docs/decisions.md).
"""

from flask import Flask, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

NUL = "\x00"


def refuse_nul_characters(app: Flask) -> None:
    app.before_request(_refuse)


def _refuse() -> None:
    where = _where()
    if where:
        raise BadRequest(f"The request holds a NUL character (U+0000) in its {where}; "
                         "text may not contain it.")


def _where() -> str | None:
    if NUL in request.path:
        return "address"
    if any(NUL in name or NUL in value for name, value in request.headers.items()):
        return "headers"
    if _holds_nul(request.args):
        return "query string"
    # a form only when url-encoded: a multipart upload is read by its view, under its limit
    if request.mimetype == "application/x-www-form-urlencoded" and _holds_nul(request.form):
        return "form"
    # JSON writes a NUL as the escape \u0000; a body without one is not parsed here
    if request.is_json and b"\\u0000" in request.get_data(cache=True) \
            and _json_holds_nul(request.get_json(silent=True)):
        return "body"
    return None


def _holds_nul(values: MultiDict) -> bool:
    return any(NUL in name or NUL in value for name, value in values.items(multi=True))


def _json_holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _json_holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_holds_nul(item) for item in value)
    return False
