"""The checker can fail: deliberately broken fake nodes fail exactly the checks they break."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, Response, request

from conformance import tokens
from conformance.cli import conformance_command
from conformance.runner import run_conformance
from schemas.signing import generate_key_pair, public_jwk
from tests.live import serve

CODE = "330102"
RECORD = {
    "record_id": "999999/marriage/x1", "record_type": "marriage",
    "archive": {"code": CODE, "name": "fake"},
    "reference": {"fonds_no": None, "catalog_no": None, "file_no": None, "item_no": None,
                  "pages": None},
    "event_date": "1980", "parties": [], "details": {}, "access": "open",
    "digitized_pages": None,
}


def broken_node(problems_as_json: bool = False) -> Flask:
    """Accepts any token, answers 500 to bad JSON, signs nothing, has no OpenAPI document."""
    app = Flask(__name__)
    key = Ed25519PrivateKey.generate()

    @app.get("/v1/service-info")
    def service_info() -> dict:
        return {"archive": {"code": CODE, "name": "fake", "region_code": CODE},
                "standard_version": "1",
                "record_types": ["marriage", "forestry_right", "sent_down_youth", "employment"],
                "counts": {}, "signing_keys": [public_jwk(key.public_key())]}

    @app.get("/healthz")
    @app.get("/readyz")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/v1/search")
    def search() -> Response | dict:
        if problems_as_json and not request.headers.get("Authorization"):
            return Response(json.dumps({"error": "no token"}), 401, mimetype="application/json")
        body = json.loads(request.data)  # bad JSON: an unhandled error, a 500
        return {"archive": {"code": CODE, "name": "fake"}, "request_id": "not-yours",
                "records": [{**RECORD, "match": {"score": 1.5, "basis": []}}],
                "total": 1, "truncated": False, "took_ms": 1.0, "echo": body.get("purpose")}

    @app.get("/v1/records/<path:record_id>")
    def record(record_id: str) -> dict:
        return {**RECORD, "record_id": record_id}

    return app


@pytest.fixture(scope="module")
def hub_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    private, _ = generate_key_pair(tmp_path_factory.mktemp("hub"))
    return private


@pytest.fixture(scope="module")
def broken_url() -> Iterator[str]:
    with serve(broken_node()) as url:
        yield url


def test_a_broken_node_fails_the_checks_it_breaks(broken_url: str, hub_key: Path) -> None:
    results = {r.name: r for r in run_conformance(broken_url, hub_key, timeout=5)}
    must_fail = {
        "openapi", "search.answer", "search.request-id", "search.signature", "search.match",
        "search.record-ids", "records.by-id", "records.unknown", "auth.no-token",
        "auth.records-no-token", "auth.before-validation", "auth.expired",
        "auth.wrong-audience", "auth.replay", "auth.alg-none", "auth.hs256-key-confusion",
        "auth.foreign-key", "auth.no-jti", "auth.no-purpose", "auth.long-lived",
        "validation.empty-subject", "validation.malformed-json", "errors.unknown-path",
    }
    assert {name for name, r in results.items() if r.failed} == must_fail
    assert not any(r.skipped for r in results.values())  # it answers every search a record
    assert "no signature" in results["search.signature"].detail
    assert "answered 500" in results["validation.malformed-json"].detail
    assert "answered 200, expected 401" in results["auth.alg-none"].detail
    assert "match.score 1.5" in results["search.match"].detail
    assert "not-yours" in results["search.request-id"].detail


def test_a_401_that_is_not_problem_json_fails(hub_key: Path) -> None:
    with serve(broken_node(problems_as_json=True)) as url:
        results = {r.name: r for r in run_conformance(url, hub_key, timeout=5)}
    assert results["auth.no-token"].failed
    assert "application/problem+json" in results["auth.no-token"].detail


def test_an_unreachable_node_fails_every_check_without_raising(hub_key: Path) -> None:
    with serve(Flask(__name__)) as url:
        pass  # the port is closed again
    results = run_conformance(url, hub_key, timeout=2)
    assert results and all(r.failed for r in results)


def test_cli_exits_1_on_a_broken_node(broken_url: str, hub_key: Path) -> None:
    result = CliRunner().invoke(conformance_command, [broken_url, "--hub-key", str(hub_key)])
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed, 0 skipped", last), last
    assert "FAIL search.signature:" in result.output


def test_forged_tokens_are_well_formed(hub_key: Path) -> None:
    from schemas.signing import load_private_key

    public = load_private_key(hub_key).public_key()
    claims = tokens.claims(CODE, "p")
    raw = tokens.public_key_secrets(public)["raw"]
    assert jwt.decode(tokens.hs256(claims, raw), raw, algorithms=["HS256"], audience=CODE)
    assert jwt.get_unverified_header(tokens.unsigned(claims))["alg"] == "none"
    assert tokens.unsigned(claims).endswith(".")
    assert "jti" not in tokens.claims(CODE, "p", jti=None)
    assert "purpose" not in tokens.claims(CODE, "p", purpose=None)


@pytest.mark.parametrize(("version", "listed", "passes"), [
    ("1", ["marriage", "forestry_right", "sent_down_youth", "employment"], True),
    ("1", ["marriage"], False),
    ("1.1", ["marriage"], True),  # 1.1: the types it holds, those counted above 0
    ("1.1", ["marriage", "forestry_right", "sent_down_youth", "employment"], False),
    ("1.1", ["marriage", "adoption"], False),
])
def test_record_types_follow_the_standard_version(version: str, listed: list[str],
                                                  passes: bool) -> None:
    from conformance.checks import service_info_record_types
    from conformance.context import Check, Context
    from conformance.runner import run_check

    ctx = Context("http://127.0.0.1:9", Ed25519PrivateKey.generate())
    ctx.cached("service-info", lambda: {"standard_version": version, "record_types": listed,
                                        "counts": {"marriage": 2, "employment": 0}})
    result = run_check(ctx, Check("service-info.record-types", service_info_record_types))
    assert result.passed == passes and result.failed != passes, result.line()
