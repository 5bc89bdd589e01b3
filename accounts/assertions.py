"""Signed assertions from registered callers (kiosk devices, national platform clients):
an EdDSA JWT the caller signs with its own key, accepted once.

Checks: the algorithm is EdDSA (no `none`, no HMAC with a public key), the issuer is a
registered active caller whose key verifies it, the audience is this hub, it expires
within `MAX_LIFETIME_S`, and its `jti` was never seen (kept until it expires).
"""

from collections.abc import Callable
from datetime import UTC, datetime

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.models import UsedAssertion
from runtime.errors import Unauthorized

MAX_LIFETIME_S = 300


#: what a `jti` may be: long enough for any unique id, short enough for its column
MAX_JTI = 128

def verify_assertion(session: Session, token: str, audience: str,
                     key_of: Callable[[str], Ed25519PublicKey | None],
                     required: tuple[str, ...] = ()) -> dict:
    """The assertion's claims once checked; its `jti` is spent in the caller's session
    (flushed now, so a replay in another transaction fails on the primary key)."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The assertion is not a JWT: {exc}.") from exc
    if header.get("alg") != "EdDSA":
        raise Unauthorized("Assertions are signed with EdDSA (Ed25519).")
    issuer = str(unverified.get("iss") or "")
    key = key_of(issuer)
    if key is None:
        raise Unauthorized(f"{issuer or 'The issuer'} is not a registered, active caller.")
    try:
        claims = jwt.decode(token, key, algorithms=["EdDSA"], audience=audience,
                            options={"require": ["iss", "exp", "iat", "jti", *required]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The assertion is not accepted: {exc}.") from exc
    if claims.get("sub", issuer) != issuer:
        raise Unauthorized("The assertion's subject must be its issuer.")
    if not isinstance(claims["jti"], str) or not 0 < len(claims["jti"]) <= MAX_JTI:
        raise Unauthorized(f"The assertion's jti must be a string of 1 to {MAX_JTI} "
                           "characters.")
    if claims["exp"] - claims["iat"] > MAX_LIFETIME_S:
        raise Unauthorized(f"An assertion lives at most {MAX_LIFETIME_S} s.")
    spend(session, f"{issuer}:{claims['jti']}", datetime.fromtimestamp(claims["exp"], UTC))
    return claims


def spend(session: Session, key: str, expires_at: datetime) -> None:
    now = datetime.now(UTC)
    session.execute(delete(UsedAssertion).where(UsedAssertion.expires_at < now))
    if session.get(UsedAssertion, key) is not None:
        raise Unauthorized("This assertion was already used (replayed jti).")
    session.add(UsedAssertion(key=key, expires_at=expires_at))
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Unauthorized("This assertion was already used (replayed jti).") from exc
