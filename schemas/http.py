"""The standard's HTTP conventions shared by every deployable: problem+json errors, API docs.

Errors are RFC 9457 problem details; validation failures carry `errors`, a map from a
dotted field path (`subject.id_number`) to its messages.
"""

import logging
from http import HTTPStatus

import swagger_ui_bundle
from apispec import APISpec, BasePlugin
from flask import Blueprint, Flask, Response, json, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from schemas.search import ProblemSchema

PROBLEM_JSON = "application/problem+json"
SWAGGER_ASSETS = "/_swagger-ui/"
log = logging.getLogger(__name__)


def problem_response(status: int, detail: str | None = None, title: str | None = None,
                     errors: dict | None = None, headers: dict | None = None,
                     error: object | None = None) -> Response:
    from runtime import chinese  # the hub's app and kiosk surfaces answer people in Chinese

    if chinese.wanted():
        title, detail, errors = chinese.translate(status, error, errors)
    body: dict = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_errors(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow nested messages as {"a.b": [...]}; request locations dropped."""
    if isinstance(messages, list | tuple):
        return {prefix or "_request": [str(m) for m in messages]}
    if not isinstance(messages, dict):
        return {prefix or "_request": [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if not prefix and key in ("json", "query", "form", "headers", "view_args", "files"):
            flat.update(flatten_errors(value, ""))
            continue
        name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        for path, found in flatten_errors(value, name).items():
            flat.setdefault(path, []).extend(found)
    return flat


MALFORMED = "MALFORMED_REQUEST"  # the response component every operation's 400 refers to


class ProblemJsonPlugin(BasePlugin):
    """Documents every answer of ProblemSchema as `application/problem+json`, the media type
    `problem_response` sends, where flask-smorest would say `application/json`; and the 400
    that any operation may answer (a body that is not JSON, a NUL character anywhere:
    `runtime.nul_characters`), which flask-smorest leaves to `default`."""

    def init_spec(self, spec: APISpec) -> None:
        super().init_spec(spec)
        self.spec = spec

    def response_helper(self, response: dict, **kwargs: object) -> dict:
        return _as_problem(response)

    def operation_helper(self, path: str | None = None, operations: dict | None = None,
                         **kwargs: object) -> None:
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                if isinstance(response, dict):
                    _as_problem(response)
            own = 400 if 400 in responses else "400"  # flask-smorest keys statuses as ints
            malformed = responses.setdefault(own, MALFORMED)
            if isinstance(malformed, dict):  # its own 400 (OAuth's): a problem is one too
                malformed.setdefault("content", {}).setdefault(
                    PROBLEM_JSON, {"schema": self.spec.components.get_ref("schema", "Problem")})


def _as_problem(response: dict) -> dict:
    content = response.get("content", {})
    described = content.get("application/json")
    if described and _is_problem(described.get("schema")):
        content[PROBLEM_JSON] = content.pop("application/json")
    return response


def _is_problem(schema: object) -> bool:
    if isinstance(schema, dict):  # already a reference to the component
        return schema.get("$ref", "").rsplit("/", 1)[-1] == "Problem"
    return schema is ProblemSchema or isinstance(schema, ProblemSchema)


class ProblemApi(Api):
    """A flask-smorest Api whose every error answer is problem+json, and documented so."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask | None = None, *, spec_kwargs: dict | None = None,
                 **kwargs: object) -> None:
        spec_kwargs = dict(spec_kwargs or {})
        spec_kwargs["extra_plugins"] = [*spec_kwargs.get("extra_plugins", ()),
                                        ProblemJsonPlugin()]
        super().__init__(app, spec_kwargs=spec_kwargs, **kwargs)
        self.spec.components.response(MALFORMED, {
            "description": "Malformed: a body that is not JSON, or a NUL character (U+0000) "
                           "anywhere in the request",
            "content": {PROBLEM_JSON: {"schema": ProblemSchema}}}, lazy=True)

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        status = error.code or 500
        if status >= 500:
            log.error("unhandled error", exc_info=getattr(error, "original_exception", error))
            return problem_response(status, "The server failed; the error is logged.")
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        headers = dict(data.get("headers") or {})
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(sorted(error.valid_methods))  # RFC 9110 §15.5.6
        if status == 422 and errors:
            return problem_response(422, "The request has invalid fields; see errors.",
                                    "Invalid input", flatten_errors(errors), headers)
        return problem_response(status, data.get("message") or error.description,
                                headers=headers)


def api_settings(title: str, version: str = "1") -> dict[str, object]:
    """flask-smorest settings: OpenAPI at /openapi.json, Swagger UI at /docs, served locally."""
    return {
        "API_TITLE": title,
        "API_VERSION": version,
        "OPENAPI_VERSION": "3.0.3",  # what the bundled Swagger UI (4.x) renders
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": SWAGGER_ASSETS,
    }


def register_swagger_assets(app: Flask) -> None:
    """Serve Swagger UI's files from the installed bundle: the docs work with no internet."""
    assets = Blueprint("swagger_assets", __name__)

    @assets.get(f"{SWAGGER_ASSETS}<path:filename>")
    def swagger_asset(filename: str) -> Response:
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    app.register_blueprint(assets)


BEARER_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (EdDSA)"}


def surface_api(app: Flask, prefix: str, title: str, url_prefix: str) -> ProblemApi:
    """One surface's own API with its own OpenAPI document: `<url_prefix>/openapi.json`,
    Swagger UI at `<url_prefix>/docs` (e.g. prefix "MOBILE", url_prefix "/mobile")."""
    settings = api_settings(title)
    settings["OPENAPI_URL_PREFIX"] = url_prefix
    app.config.update({f"{prefix}_{key}": value for key, value in settings.items()})
    api = ProblemApi(app, config_prefix=prefix)
    api.spec.components.security_scheme("bearerToken", BEARER_SCHEME)
    return api
