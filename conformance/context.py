"""What every conformance check shares: the node under test, HTTP calls and the verdict helpers.

A check raises `CheckFailed` with a one-line reason, raises `CheckSkipped` when it could not
run (saying why, and what would let it run), or returns the detail of its pass; a check
that proved nothing is never a pass. Facts several checks need (service-info, the subject
searched for, the answer of one signed search) are fetched once and cached on the
`Context`; a failure to fetch them is cached too and fails each dependent.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from conformance import tokens
from conformance.subjects import Subject, find_subject, given

PROBLEM_JSON = "application/problem+json"
PURPOSE = "conformance check"


PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


class CheckFailed(Exception):
    """The node does not do what the standard asks; the message says what it did instead."""


class CheckSkipped(Exception):
    """The check could not run (e.g. no record to look at); the message says why, and which
    option would let it run. Neither a pass nor a failure: it is counted apart."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # PASS, FAIL or SKIP
    detail: str

    @property
    def passed(self) -> bool:
        return self.status == PASS

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    @property
    def skipped(self) -> bool:
        return self.status == SKIP

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}"


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[["Context"], str]


@dataclass
class Context:
    """The node under test and the hub key it trusts; caches facts shared between checks."""

    base_url: str
    hub_key: Ed25519PrivateKey
    timeout: float = 10.0
    #: the subject the user gave (None: the checker finds one in the node's answers)
    subject_option: dict[str, str] | None = None
    archive_code_option: str | None = None
    http: requests.Session = field(default_factory=requests.Session)
    schemas: dict[str, dict] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    # -- HTTP -------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def get(self, path: str, token: str | None = None) -> requests.Response:
        return self.http.get(self.url(path), headers=_auth(token), timeout=self.timeout,
                             allow_redirects=False)

    def post_json(self, path: str, body: object, token: str | None = None) -> requests.Response:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return self.post_raw(path, data, token)

    def post_raw(self, path: str, data: bytes, token: str | None = None) -> requests.Response:
        headers = {"Content-Type": "application/json", **_auth(token)}
        return self.http.post(self.url(path), data=data, headers=headers, timeout=self.timeout,
                              allow_redirects=False)

    def record_path(self, record_id: str) -> str:
        return "/v1/records/" + quote(record_id, safe="/")

    # -- facts shared between checks --------------------------------------------------------
    def cached(self, key: str, fetch: Callable[[], Any]) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = (True, fetch())
            except (CheckFailed, requests.RequestException) as exc:
                self._cache[key] = (False, exc)
        ok, value = self._cache[key]
        if not ok:
            raise CheckFailed(f"{key} unavailable: {value}")
        return value

    def service_info(self) -> dict:
        def fetch() -> dict:
            response = self.get("/v1/service-info")
            expect_status(response, 200)
            return expect_json(response, "application/json")
        return self.cached("service-info", fetch)

    def archive_code(self) -> str:
        if self.archive_code_option:
            return self.archive_code_option
        code = (self.service_info().get("archive") or {}).get("code")
        if not isinstance(code, str) or not code:
            raise CheckFailed("service-info names no archive.code (pass --archive-code)")
        return code

    def subject(self) -> Subject:
        """The person the searches ask about: the one given, or one found on first use."""
        if self.subject_option:
            return given(self.subject_option)
        return self.cached("subject", lambda: find_subject(self))

    def signing_keys(self) -> dict[str, Ed25519PublicKey]:
        from schemas.signing import key_from_jwk

        keys = {}
        for jwk in self.service_info().get("signing_keys") or []:
            try:
                keys[jwk["kid"]] = key_from_jwk(jwk)
            except (KeyError, TypeError, ValueError):
                continue
        if not keys:
            raise CheckFailed("service-info lists no usable Ed25519 signing key")
        return keys

    # -- requests the checks send ------------------------------------------------------------
    def token(self, **overrides: Any) -> str:
        """A fresh, valid hub token for this node, with some claims overridden (None drops)."""
        return tokens.sign(self.hub_key, tokens.claims(self.archive_code(), PURPOSE, **overrides))

    def search_body(self, subject: dict[str, str] | None = None) -> dict:
        """A valid search for `subject` (default: the subject of the checks), fresh id."""
        fields = subject if subject is not None else self.subject().fields
        return {"subject": dict(fields), "purpose": PURPOSE,
                "request_id": f"conformance-{uuid.uuid4().hex}"}

    def search_answer(self) -> tuple[dict, requests.Response]:
        """One signed search with a fresh token: the request body sent and the node's answer."""
        def fetch() -> tuple[dict, requests.Response]:
            body = self.search_body()
            return body, self.post_json("/v1/search", body, self.token())
        return self.cached("search answer", fetch)

    def validate(self, schema_name: str, document: object) -> None:
        validator = Draft202012Validator(self.schemas[schema_name])
        error = best_match(validator.iter_errors(document))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            raise CheckFailed(f"not a valid {schema_name} at {where}: {error.message[:200]}")


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token is not None else {}


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def expect_status(response: requests.Response, *statuses: int) -> None:
    if response.status_code not in statuses:
        wanted = " or ".join(str(status) for status in statuses)
        raise CheckFailed(f"{response.request.method} {response.request.path_url} answered "
                          f"{response.status_code}, expected {wanted}: {_excerpt(response)}")


def expect_json(response: requests.Response, content_type: str) -> Any:
    if media_type(response) != content_type:
        raise CheckFailed(f"Content-Type is {response.headers.get('Content-Type')!r}, "
                          f"expected {content_type}")
    try:
        return response.json()
    except ValueError as exc:
        raise CheckFailed(f"the body is not JSON: {exc}") from exc


def expect_problem(ctx: Context, response: requests.Response, *statuses: int) -> dict:
    """The answer is an RFC 9457 problem with one of `statuses`, valid against `Problem`."""
    expect_status(response, *statuses)
    problem = expect_json(response, PROBLEM_JSON)
    ctx.validate("Problem", problem)
    if problem.get("status") != response.status_code:
        raise CheckFailed(f"problem status {problem.get('status')!r} differs from the HTTP "
                          f"status {response.status_code}")
    return problem


def _excerpt(response: requests.Response) -> str:
    text = response.text.replace("\n", " ")
    return text[:160] + ("..." if len(text) > 160 else "")
