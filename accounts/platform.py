"""National platform clients: their registration, and the access token a client gets for a
signed client assertion (RFC 7523 §2.2, through the client credentials grant of RFC 6749
§4.4).

A client signs a short JWT with its own Ed25519 key (`iss` = `sub` = its client id, `aud` =
the hub's token endpoint, a fresh `jti`, at most 300 s of life); the hub checks it with the
public key registered here (`accounts.assertions`) and answers with a national token
signed by the hub. Every grant and every refusal is written into the audit chain.
"""

import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.assertions import verify_assertion
from accounts.models import PlatformClient
from federation import audit
from federation.config import HubSettings
from federation.identity import NATIONAL_TOKEN_LIFETIME_S, Identity, mint_national_token
from national_api.outbound import CallbackRefused, check_url
from runtime.errors import DomainError, InvalidInput, Unauthorized

TOKEN_PATH = "/national/api/v1/token"
GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
OPERATOR = "operator:cli"


class TokenRefused(DomainError):
    """An RFC 6749 §5.2 error: `error` is the OAuth error code the client is told."""

    status = 401
    title = "Token refused"

    def __init__(self, error: str, description: str, status: int) -> None:
        super().__init__(description)
        self.error, self.status = error, status


class ClientNotFound(DomainError):
    status = 404
    title = "Client not found"


@dataclass(frozen=True)
class Grant:
    access_token: str
    expires_in: int
    client_id: str


def token_audience(settings: HubSettings) -> str:
    """The `aud` a client assertion names: this hub's token endpoint."""
    return settings.public_url + TOKEN_PATH


def register_client(session: Session, client_id: str, name: str, public_key_pem: str,
                    callback_url: str | None = None, actor: str = OPERATOR,
                    allow_private: bool = False) -> PlatformClient:
    errors: dict[str, list[str]] = {}
    if not CLIENT_ID.match(client_id):
        errors["client_id"] = ["1–64 letters, digits, '.', '_' or '-'."]
    if not name.strip():
        errors["name"] = ["Name the platform client."]
    if _public_key(public_key_pem) is None:
        errors["public_key"] = ["Give the client's Ed25519 public key as PEM."]
    if callback_url:
        try:
            check_url(callback_url, allow_private)
        except CallbackRefused as exc:
            errors["callback_url"] = [str(exc)]
    if not errors and session.get(PlatformClient, client_id) is not None:
        errors["client_id"] = [f"{client_id} is already registered."]
    if errors:
        raise InvalidInput(errors)
    client = PlatformClient(client_id=client_id, name=name.strip(), public_key=public_key_pem,
                            callback_url=callback_url or None, active=True,
                            registered_at=datetime.now(UTC))
    session.add(client)
    audit.record(session, actor=actor, role="operator", action="platform.registered",
                 target=client_id, detail={"name": client.name, "callback_url": callback_url})
    session.commit()
    return client


def deactivate_client(session: Session, client_id: str, actor: str = OPERATOR
                      ) -> PlatformClient:
    """The client gets no new token, and the tokens it holds stop working."""
    client = session.get(PlatformClient, client_id)
    if client is None:
        raise ClientNotFound(f"No platform client {client_id}.")
    client.active = False
    audit.record(session, actor=actor, role="operator", action="platform.deactivated",
                 target=client_id)
    session.commit()
    return client


def list_clients(session: Session) -> list[PlatformClient]:
    return list(session.scalars(select(PlatformClient).order_by(PlatformClient.client_id)))


def active_client(session: Session, identity: Identity) -> PlatformClient:
    """The national caller's client, still registered and active (checked on every call:
    an access token outlives a deactivation by up to its lifetime otherwise)."""
    client = session.get(PlatformClient, identity.client) if identity.client else None
    if client is None or not client.active:
        raise Unauthorized(f"Platform client {identity.client} is not active.")
    return client


def token_for_assertion(session: Session, settings: HubSettings, assertion: str) -> Grant:
    """A national access token for a valid, unused client assertion; `TokenRefused`
    (invalid_client, 401) for any other, audited either way."""
    try:
        claims = verify_assertion(session, assertion, token_audience(settings),
                                  lambda issuer: _active_key(session, issuer),
                                  required=("sub",))
    except Unauthorized as exc:
        session.rollback()
        _audit_refusal(session, _claimed_issuer(assertion), exc.detail)
        raise TokenRefused("invalid_client", exc.detail, 401) from exc
    client_id = str(claims["iss"])
    token = mint_national_token(settings.signing_key, client_id)
    audit.record(session, actor=f"national:{client_id}", role="national",
                 action="platform.token", target=client_id, detail={"jti": claims["jti"]})
    session.commit()
    return Grant(token, NATIONAL_TOKEN_LIFETIME_S, client_id)


def mint_client_assertion(key: Ed25519PrivateKey, client_id: str, audience: str,
                          lifetime_s: int = 60) -> str:
    """What a platform client signs to ask for a token (integrators, the README, tests)."""
    now = int(time.time())
    return jwt.encode({"iss": client_id, "sub": client_id, "aud": audience, "iat": now,
                       "exp": now + lifetime_s, "jti": uuid.uuid4().hex},
                      key, algorithm="EdDSA")


def _active_key(session: Session, client_id: str) -> Ed25519PublicKey | None:
    client = session.get(PlatformClient, client_id) if client_id else None
    if client is None or not client.active:
        return None
    return _public_key(client.public_key)


def _public_key(pem: str) -> Ed25519PublicKey | None:
    try:
        key = load_pem_public_key(pem.encode("utf-8"))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def _claimed_issuer(assertion: str) -> str:
    """Who the refused assertion claims to come from (unverified: for the audit only)."""
    try:
        issuer = jwt.decode(assertion, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return "unknown"
    return str(issuer)[:64] if isinstance(issuer, str) and issuer else "unknown"


def _audit_refusal(session: Session, claimed: str, reason: str) -> None:
    audit.record(session, actor=f"national:{claimed}", role="national",
                 action="platform.token_refused", target=claimed,
                 detail={"reason": reason[:500]})
    session.commit()
