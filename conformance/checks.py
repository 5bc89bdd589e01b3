"""The checks of the standard's node API v1, each a small function, gathered in `CHECKS`.

A check takes the `Context` and returns the detail of its pass, raises `CheckFailed`, or
raises `CheckSkipped` when there is nothing to check (a search that found no record): a
check that looked at nothing does not pass. The token refusals live in
`conformance.auth_checks`; `CHECKS` lists them all, in order.
"""

import base64
import hashlib
import json
import uuid

from conformance.auth_checks import AUTH_CHECKS
from conformance.context import (
    Check,
    CheckFailed,
    CheckSkipped,
    Context,
    expect_json,
    expect_problem,
    expect_status,
)

RECORD_TYPES = ("marriage", "forestry_right", "sent_down_youth", "employment")
#: versions of the standard's v1 API: 1.1 adds `name_frequency` and `namesakes` to search
#: answers (optional: a hub offers id-less records of a 1.0 node for confirmation)
STANDARD_VERSIONS = ("1", "1.1")


def service_info_schema(ctx: Context) -> str:
    info = ctx.service_info()
    ctx.validate("ServiceInfo", info)
    return f"200 JSON, a valid ServiceInfo of archive {info['archive']['code']}"


def service_info_record_types(ctx: Context) -> str:
    """1.0: every type of the standard; 1.1: the types it holds, those counted above 0 (a hub
    need not ask it about the others)."""
    info = ctx.service_info()
    listed = info.get("record_types") or []
    unknown = [t for t in listed if t not in RECORD_TYPES]
    if unknown:
        raise CheckFailed(f"record_types lists {', '.join(map(str, unknown))}, not types of "
                          f"the standard")
    if info.get("standard_version") == "1":
        missing = [t for t in RECORD_TYPES if t not in listed]
        if missing:
            raise CheckFailed(f"record_types lacks {', '.join(missing)} (lists {listed})")
        return f"lists {', '.join(RECORD_TYPES)}"
    counts = info.get("counts") or {}
    held = [t for t in RECORD_TYPES if isinstance(counts.get(t), int) and counts[t] > 0]
    if sorted(listed) != sorted(held):
        raise CheckFailed(f"record_types lists {listed}, not the types counted above 0 "
                          f"({held})")
    return f"lists the types it holds: {', '.join(held) or 'none'}"


def service_info_standard_version(ctx: Context) -> str:
    version = ctx.service_info().get("standard_version")
    if version not in STANDARD_VERSIONS:
        raise CheckFailed(f"standard_version is {version!r}, expected one of "
                          f"{', '.join(STANDARD_VERSIONS)}")
    return f"standard_version {version!r}"


def service_info_signing_keys(ctx: Context) -> str:
    jwks = ctx.service_info().get("signing_keys") or []
    if not jwks:
        raise CheckFailed("signing_keys is empty")
    for jwk in jwks:
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise CheckFailed(f"key {jwk.get('kid')!r} is not an Ed25519 OKP JWK: "
                              f"kty={jwk.get('kty')!r} crv={jwk.get('crv')!r}")
        x = str(jwk.get("x", ""))
        try:
            raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        except ValueError as exc:
            raise CheckFailed(f"key {jwk.get('kid')!r}: x is not base64url: {exc}") from exc
        if len(raw) != 32:
            raise CheckFailed(f"key {jwk.get('kid')!r}: x holds {len(raw)} bytes, not 32")
        thumbprint_input = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x},
                                      separators=(",", ":")).encode()
        thumbprint = base64.urlsafe_b64encode(hashlib.sha256(thumbprint_input).digest())
        if jwk.get("kid") != thumbprint.rstrip(b"=").decode():
            raise CheckFailed(f"kid {jwk.get('kid')!r} is not the key's RFC 7638 thumbprint")
    return f"{len(jwks)} Ed25519 JWK(s), kid = RFC 7638 thumbprint"


def healthz(ctx: Context) -> str:
    expect_status(ctx.get("/healthz"), 200)
    return "200"


def readyz(ctx: Context) -> str:
    expect_status(ctx.get("/readyz"), 200)
    return "200"


def openapi(ctx: Context) -> str:
    response = ctx.get("/openapi.json")
    expect_status(response, 200)
    document = expect_json(response, "application/json")
    if not isinstance(document, dict) or "openapi" not in document:
        raise CheckFailed("/openapi.json is not an OpenAPI document (no `openapi` member)")
    paths = document.get("paths") or {}
    missing = [p for p in ("/v1/service-info", "/v1/search") if p not in paths]
    if missing:
        raise CheckFailed(f"the OpenAPI document describes no {', '.join(missing)}")
    return f"OpenAPI {document['openapi']}, {len(paths)} paths"


def search_answer(ctx: Context) -> str:
    """A valid answer; for a subject found in the node's own answers, one that finds again
    the record the subject was found in (a party's name and id number find its record)."""
    subject = ctx.subject()
    _, response = ctx.search_answer()
    expect_status(response, 200)
    answer = expect_json(response, "application/json")
    ctx.validate("SearchAnswer", answer)
    records = answer["records"]
    source = subject.source_record
    if source and not answer.get("truncated") and \
            source not in [record.get("record_id") for record in records]:
        raise CheckFailed(f"the search for {subject.describe()} does not find {source}, whose "
                          f"party it is ({len(records)} record(s) answered)")
    return (f"200, a valid SearchAnswer with {len(records)} record(s) for "
            f"{subject.describe()} ({subject.origin})")


def _answer(ctx: Context) -> dict:
    _, response = ctx.search_answer()
    if response.status_code != 200:
        raise CheckFailed(f"the signed search answered {response.status_code}")
    return response.json()


def _records(ctx: Context) -> list[dict]:
    """The records the signed search found; none means the calling check cannot run."""
    records = _answer(ctx).get("records") or []
    if not records:
        raise CheckSkipped(ctx.subject().why_no_records())
    return records


def search_request_id(ctx: Context) -> str:
    body, _ = ctx.search_answer()
    echoed = _answer(ctx).get("request_id")
    if echoed != body["request_id"]:
        raise CheckFailed(f"request_id {echoed!r} is not the one sent ({body['request_id']!r})")
    return "echoes the request_id"


def search_signature(ctx: Context) -> str:
    from schemas.signing import SIGNATURE_HEADER, SignatureInvalid, verify_body

    body, response = ctx.search_answer()
    expect_status(response, 200)
    try:
        signed = verify_body(response.headers.get(SIGNATURE_HEADER), response.content,
                             ctx.signing_keys())
    except SignatureInvalid as exc:
        raise CheckFailed(f"{SIGNATURE_HEADER}: {exc}") from exc
    if signed.archive != ctx.archive_code():
        raise CheckFailed(f"the signature names archive {signed.archive!r}")
    if signed.request_id != body["request_id"]:
        raise CheckFailed(f"the signature names request_id {signed.request_id!r}")
    return f"{SIGNATURE_HEADER} verifies with key {signed.kid}"


def search_match(ctx: Context) -> str:
    records = _records(ctx)
    for record in records:
        match = record.get("match") or {}
        score = match.get("score")
        if not isinstance(score, int | float) or isinstance(score, bool) or not 0 <= score <= 1:
            raise CheckFailed(f"{record.get('record_id')}: match.score {score!r} not in [0, 1]")
        if not match.get("basis"):
            raise CheckFailed(f"{record.get('record_id')}: match.basis is empty")
    return f"{len(records)} record(s), each with a score in [0, 1] and a basis"


def search_archive(ctx: Context) -> str:
    answer, code = _answer(ctx), ctx.archive_code()
    if (answer.get("archive") or {}).get("code") != code:
        raise CheckFailed(f"answer archive.code {answer.get('archive')!r} is not {code!r}")
    return f"answer archive.code {code}"


def search_record_ids(ctx: Context) -> str:
    records, code = _records(ctx), ctx.archive_code()
    for record in records:
        if not str(record.get("record_id", "")).startswith(f"{code}/"):
            raise CheckFailed(f"record_id {record.get('record_id')!r} does not start with {code}/")
    return f"{len(records)} record(s), every record_id starts with {code}/"


def record_by_id(ctx: Context) -> str:
    from schemas.signing import SIGNATURE_HEADER, SignatureInvalid, verify_body

    record_id = _records(ctx)[0]["record_id"]
    response = ctx.get(ctx.record_path(record_id), ctx.token())
    expect_status(response, 200)
    record = expect_json(response, "application/json")
    ctx.validate("Record", record)
    if record.get("record_id") != record_id:
        raise CheckFailed(f"asked for {record_id}, got {record.get('record_id')!r}")
    try:
        verify_body(response.headers.get(SIGNATURE_HEADER), response.content, ctx.signing_keys())
    except SignatureInvalid as exc:
        raise CheckFailed(f"{SIGNATURE_HEADER}: {exc}") from exc
    return f"{record_id}: a valid, signed Record"


def record_unknown(ctx: Context) -> str:
    record_id = f"{ctx.archive_code()}/marriage/conformance-{uuid.uuid4().hex}"
    expect_problem(ctx, ctx.get(ctx.record_path(record_id), ctx.token()), 404)
    return "404 problem+json"


def unknown_path(ctx: Context) -> str:
    expect_problem(ctx, ctx.get(f"/v1/conformance-{uuid.uuid4().hex}"), 404)
    return "an unknown path answers 404 problem+json"


def validation_empty_subject(ctx: Context) -> str:
    body = {**ctx.search_body(), "subject": {}}
    problem = expect_problem(ctx, ctx.post_json("/v1/search", body, ctx.token()), 422)
    errors = problem.get("errors")
    if not isinstance(errors, dict) or not errors:
        raise CheckFailed(f"the problem has no field-level `errors` member: {problem}")
    named = [field for field in errors if any(part in field for part in
                                               ("subject", "id_number", "name"))]
    if not named:
        raise CheckFailed(f"`errors` names no subject field: {sorted(errors)}")
    return f"422 problem+json, errors name {', '.join(named)}"


def validation_malformed_json(ctx: Context) -> str:
    response = ctx.post_raw("/v1/search", b'{"subject": {"name": "', ctx.token())
    if response.status_code >= 500:
        raise CheckFailed(f"malformed JSON answered {response.status_code}; bad input must "
                          f"never yield a 5xx")
    expect_problem(ctx, response, *range(400, 500))
    return f"{response.status_code} problem+json"


CHECKS: list[Check] = [
    Check("service-info", service_info_schema),
    Check("service-info.record-types", service_info_record_types),
    Check("service-info.standard-version", service_info_standard_version),
    Check("service-info.signing-keys", service_info_signing_keys),
    Check("healthz", healthz),
    Check("readyz", readyz),
    Check("openapi", openapi),
    Check("search.answer", search_answer),
    Check("search.request-id", search_request_id),
    Check("search.signature", search_signature),
    Check("search.match", search_match),
    Check("search.archive", search_archive),
    Check("search.record-ids", search_record_ids),
    Check("records.by-id", record_by_id),
    Check("records.unknown", record_unknown),
    *AUTH_CHECKS,
    Check("validation.empty-subject", validation_empty_subject),
    Check("validation.malformed-json", validation_malformed_json),
    Check("errors.unknown-path", unknown_path),
]
