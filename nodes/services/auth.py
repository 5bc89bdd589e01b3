"""Hub tokens: only an unexpired, unreplayed EdDSA token for this archive opens a search."""

import time
from dataclasses import dataclass

import jwt
from sqlalchemy import delete, insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nodes.config import NodeSettings
from nodes.errors import Unauthorized
from nodes.models import SeenToken
from schemas.signing import HUB_ISSUER

REQUIRED_CLAIMS = ["iss", "aud", "iat", "exp", "jti"]
MAX_JTI = 128  # seen_tokens.jti


@dataclass(frozen=True)
class HubCall:
    jti: str
    purpose: str


def authorize_hub_call(session: Session, settings: NodeSettings,
                       authorization: str | None) -> HubCall:
    """Check the bearer token and remember its `jti`; raise `Unauthorized` with the reason."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("A hub-signed bearer token is required (Authorization: Bearer ...).")
    try:
        claims = jwt.decode(
            token.strip(),
            settings.hub_public_key,
            algorithms=["EdDSA"],
            audience=settings.archive_code,
            issuer=HUB_ISSUER,
            leeway=settings.clock_leeway_s,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The token is not accepted: {exc}.") from exc
    if claims["exp"] - claims["iat"] > settings.max_token_lifetime_s:
        raise Unauthorized(
            f"The token lives longer than {settings.max_token_lifetime_s} s; use short tokens."
        )
    purpose = claims.get("purpose")
    if not isinstance(purpose, str) or not purpose.strip():
        raise Unauthorized("The token carries no purpose.")
    if not isinstance(claims["jti"], str) or not 0 < len(claims["jti"]) <= MAX_JTI:
        raise Unauthorized(f"The token's jti must be a string of 1 to {MAX_JTI} characters.")
    _remember(session, str(claims["jti"]), int(claims["exp"]) + settings.clock_leeway_s)
    return HubCall(jti=str(claims["jti"]), purpose=purpose)


def _remember(session: Session, jti: str, keep_until: int) -> None:
    try:
        if session.get_bind().dialect.name == "postgresql":
            # No wait for the disk: a crash can forget the last few token ids, which
            # re-opens a replay window of at most one token lifetime (300 s).
            session.execute(text("SET LOCAL synchronous_commit = off"))
        session.execute(insert(SeenToken).values(jti=jti, expires_at=keep_until))
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Unauthorized("The token was already used (replayed jti).") from exc
    if hash(jti) % 200 == 0:  # now and then, forget tokens that can no longer be replayed
        session.execute(delete(SeenToken).where(SeenToken.expires_at < int(time.time())))
        session.commit()
