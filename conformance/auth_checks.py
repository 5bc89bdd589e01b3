"""Token refusals: a node answers 401 problem+json to every call the hub did not authorize.

Each forged token differs from a valid one in one respect only, and is sent with an
otherwise valid search, so that a 401 can only be the node refusing that one flaw.
"""

import time
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conformance import tokens
from conformance.context import PURPOSE, Check, CheckFailed, Context, expect_problem, expect_status


def _refused(ctx: Context, token: str | None, what: str) -> str:
    response = ctx.post_json("/v1/search", ctx.search_body(), token)
    try:
        expect_problem(ctx, response, 401)
    except CheckFailed as exc:
        raise CheckFailed(f"{what}: {exc}") from exc
    return f"{what}: 401 problem+json"


def no_token(ctx: Context) -> str:
    return _refused(ctx, None, "search without Authorization")


def records_no_token(ctx: Context) -> str:
    record_id = f"{ctx.archive_code()}/marriage/conformance-{uuid.uuid4().hex}"
    try:
        expect_problem(ctx, ctx.get(ctx.record_path(record_id)), 401)
    except CheckFailed as exc:
        raise CheckFailed(f"record without Authorization: {exc}") from exc
    return "record without Authorization: 401 problem+json"


def before_validation(ctx: Context) -> str:
    """Without a token an invalid body is refused too: no validation feedback to strangers."""
    response = ctx.post_json("/v1/search", {**ctx.search_body(), "subject": {}})
    try:
        expect_problem(ctx, response, 401)
    except CheckFailed as exc:
        raise CheckFailed(f"invalid search without Authorization: {exc}") from exc
    return "invalid search without Authorization: 401 problem+json"


def expired(ctx: Context) -> str:
    now = int(time.time())
    return _refused(ctx, ctx.token(iat=now - 900, exp=now - 700), "token expired 700 s ago")


def wrong_audience(ctx: Context) -> str:
    other = "000000" if ctx.archive_code() != "000000" else "999999"
    return _refused(ctx, ctx.token(aud=other), f"token for archive {other}")


def replay(ctx: Context) -> str:
    token = ctx.token()
    first = ctx.post_json("/v1/search", ctx.search_body(), token)
    try:
        expect_status(first, 200)
    except CheckFailed as exc:
        raise CheckFailed(f"first use of a fresh token: {exc}") from exc
    return _refused(ctx, token, "first use 200, same token again")


def alg_none(ctx: Context) -> str:
    forged = tokens.unsigned(tokens.claims(ctx.archive_code(), PURPOSE))
    return _refused(ctx, forged, "unsigned `alg: none` token")


def hs256_key_confusion(ctx: Context) -> str:
    details = []
    for form, secret in tokens.public_key_secrets(ctx.hub_key.public_key()).items():
        forged = tokens.hs256(tokens.claims(ctx.archive_code(), PURPOSE), secret)
        details.append(_refused(ctx, forged, f"HS256 keyed with the hub public key ({form})"))
    return "; ".join(details)


def foreign_key(ctx: Context) -> str:
    stranger = Ed25519PrivateKey.generate()
    forged = tokens.sign(stranger, tokens.claims(ctx.archive_code(), PURPOSE))
    return _refused(ctx, forged, "EdDSA token signed by another key")


def no_jti(ctx: Context) -> str:
    return _refused(ctx, ctx.token(jti=None), "token without jti")


def no_purpose(ctx: Context) -> str:
    return _refused(ctx, ctx.token(purpose=None), "token without purpose")


def long_lived(ctx: Context) -> str:
    now = int(time.time())
    return _refused(ctx, ctx.token(iat=now, exp=now + 3600), "token living 3600 s (> 300)")


AUTH_CHECKS: list[Check] = [
    Check("auth.no-token", no_token),
    Check("auth.records-no-token", records_no_token),
    Check("auth.before-validation", before_validation),
    Check("auth.expired", expired),
    Check("auth.wrong-audience", wrong_audience),
    Check("auth.replay", replay),
    Check("auth.alg-none", alg_none),
    Check("auth.hs256-key-confusion", hs256_key_confusion),
    Check("auth.foreign-key", foreign_key),
    Check("auth.no-jti", no_jti),
    Check("auth.no-purpose", no_purpose),
    Check("auth.long-lived", long_lived),
]
