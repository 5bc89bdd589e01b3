"""Who is calling the hub, as one `Identity` whatever the way in.

Four kinds of caller (`docs/permissions.md`):
- citizen: a token from the app's identity provider (EdDSA JWT, `iss` "liancha-identity",
  `aud` "liancha-hub") carrying a verified `id_number` and `name`;
- clerk: a token the hub itself issues after a password login (`iss` "liancha-hub",
  `aud` "liancha-hub"), naming the clerk's `archive` and `roles` there;
- national: a token the hub issues to a registered platform client for its signed client
  assertion (RFC 7523), naming the `client`;
- kiosk: a session the hub opened for a person at a registered device (`kiosk_api`), held
  in the database because it ends after inactivity.
`liancha token` mints citizen tokens for development.
"""

import time
import uuid
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from federation.errors import Unauthorized
from schemas.signing import HUB_ISSUER

ISSUER = "liancha-identity"
AUDIENCE = "liancha-hub"  # never an archive code: a hub session token is useless at a node
ROLES = ("citizen", "kiosk", "clerk", "national")
CLERK_ROLES = ("receiving", "holding", "admin")
CLERK_TOKEN_LIFETIME_S = 8 * 3600
NATIONAL_TOKEN_LIFETIME_S = 600
IDENTITY_TOKEN_MAX_LIFETIME_S = 12 * 3600  # the setting's default


@dataclass(frozen=True)
class Identity:
    subject: str  # who acts, as written in the audit record: citizen:<id>, clerk:<user>, ...
    role: str
    archive: str | None = None  # a clerk's archive; a kiosk's archive
    id_number: str | None = None  # the person a citizen or kiosk session acts for
    name: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)  # a clerk's roles at `archive`
    device: str | None = None  # a kiosk's device id
    client: str | None = None  # a national platform client's id
    token_version: int = 0  # a clerk token's `tv`: which generation of the clerk's tokens
    token_id: str | None = None  # a hub token's `jti` (a clerk's logout ends that one)
    expires_at: int | None = None  # a hub token's `exp`

    @property
    def person(self) -> dict | None:
        """The person acting for themselves (citizen, kiosk session), as a query subject."""
        if self.role in ("citizen", "kiosk"):
            return {"id_number": self.id_number, "name": self.name}
        return None


def mint_identity_token(key: Ed25519PrivateKey, role: str = "citizen", *,
                        id_number: str | None = None, name: str | None = None,
                        lifetime_s: int = 12 * 3600, **extra: object) -> str:
    """A token as the app's identity provider issues it (development and tests)."""
    now = int(time.time())
    claims: dict[str, object] = {"iss": ISSUER, "aud": AUDIENCE, "iat": now,
                                 "exp": now + lifetime_s, "role": role,
                                 "jti": uuid.uuid4().hex,
                                 "sub": f"{role}:{id_number or uuid.uuid4().hex}", **extra}
    for claim, value in (("id_number", id_number), ("name", name)):
        if value:
            claims[claim] = value
    return jwt.encode(claims, key, algorithm="EdDSA")


def mint_clerk_token(key: Ed25519PrivateKey, username: str, archive: str,
                     roles: list[str] | tuple[str, ...] | frozenset[str],
                     lifetime_s: int = CLERK_TOKEN_LIFETIME_S, token_version: int = 0) -> str:
    """The hub's token for a clerk who logged in (signed with the hub's key); it names the
    generation of the clerk's tokens it belongs to (`tv`), so that a change of password or
    roles, or disabling the account, ends it."""
    return _hub_session_token(key, "clerk", f"clerk:{username}", lifetime_s,
                              archive=archive, roles=sorted(roles), tv=token_version)


def mint_national_token(key: Ed25519PrivateKey, client_id: str,
                        lifetime_s: int = NATIONAL_TOKEN_LIFETIME_S) -> str:
    """The hub's access token for a national platform client (signed with the hub's key)."""
    return _hub_session_token(key, "national", f"national:{client_id}", lifetime_s,
                              client=client_id)


def _hub_session_token(key: Ed25519PrivateKey, role: str, subject: str, lifetime_s: int,
                       **claims: object) -> str:
    now = int(time.time())
    return jwt.encode({"iss": HUB_ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + lifetime_s,
                       "jti": uuid.uuid4().hex, "sub": subject, "role": role, **claims},
                      key, algorithm="EdDSA")


def bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("A bearer token is required.")
    return token.strip()


def identify(authorization: str | None, identity_key: Ed25519PublicKey,
             hub_key: Ed25519PublicKey,
             max_identity_lifetime_s: int = IDENTITY_TOKEN_MAX_LIFETIME_S) -> Identity:
    """A citizen's token from the identity provider, or a clerk's or platform client's
    token from the hub; anything else (other algorithms, issuers, audiences, an identity
    token meant to live longer than `max_identity_lifetime_s`) is refused."""
    token = bearer(authorization)
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The token is not accepted: {exc}.") from exc
    if issuer == ISSUER:
        claims = _decode(token, identity_key, ISSUER)
        if int(claims["exp"]) - int(claims["iat"]) > max_identity_lifetime_s:
            raise Unauthorized(f"The identity provider's token is meant to live longer than "
                               f"{max_identity_lifetime_s // 3600} hours; ask for a "
                               "shorter-lived one.")
        if claims["role"] != "citizen":
            raise Unauthorized("The identity provider's tokens are for citizens only; "
                               "clerks log in to the hub.")
        if not (claims.get("id_number") and claims.get("name")):
            raise Unauthorized("A citizen's token carries their verified id number and name.")
        return Identity(f"citizen:{claims['id_number']}", "citizen",
                        id_number=claims["id_number"], name=claims["name"])
    if issuer == HUB_ISSUER:
        claims = _decode(token, hub_key, HUB_ISSUER)
        if claims["role"] == "clerk" and claims.get("archive"):
            roles = frozenset(r for r in claims.get("roles") or () if r in CLERK_ROLES)
            # `pwv`: a token minted before tokens named their generation (`tv`)
            return Identity(str(claims["sub"]), "clerk", archive=claims["archive"], roles=roles,
                            token_version=int(claims.get("tv", claims.get("pwv", 0))),
                            token_id=str(claims.get("jti") or "")[:64] or None,
                            expires_at=int(claims["exp"]))
        if claims["role"] == "national" and claims.get("client"):
            return Identity(str(claims["sub"]), "national", client=claims["client"])
        raise Unauthorized(f"Unknown role {claims['role']!r}.")
    raise Unauthorized("The token's issuer is not trusted here.")


def _decode(token: str, key: Ed25519PublicKey, issuer: str) -> dict:
    try:
        return jwt.decode(token, key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=issuer,
                          options={"require": ["exp", "iat", "sub", "role"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The token is not accepted: {exc}.") from exc
