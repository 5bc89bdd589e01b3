"""Hub tokens: only an unexpired, unreplayed EdDSA token for this archive opens a search."""

import time

from sqlalchemy import delete, insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nodes.config import NodeSettings
from nodes.errors import Unauthorized
from nodes.models import SeenToken
from schemas.signing import HubCall, TokenRefused, check_hub_token


def authorize_hub_call(session: Session, settings: NodeSettings,
                       authorization: str | None) -> HubCall:
    """Check the bearer token and remember its `jti`; raise `Unauthorized` with the reason."""
    try:
        call = check_hub_token(authorization, settings.hub_public_key, settings.archive_code,
                               settings.clock_leeway_s, settings.max_token_lifetime_s)
    except TokenRefused as exc:
        raise Unauthorized(str(exc)) from exc
    _remember(session, call.jti, call.expires_at)
    return call


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
