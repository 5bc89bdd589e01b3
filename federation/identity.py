"""Who is calling the hub: bearer tokens from the identity issuer (EdDSA JWTs).

Claims: `iss` "liancha-identity", `aud` "liancha-hub", `sub`, `role` (citizen, clerk),
`exp`, `iat`; a clerk's `archive`; a citizen's verified `id_number` and `name`.
`liancha token` mints them for development.
"""

import time
import uuid
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from federation.errors import Unauthorized

ISSUER = "liancha-identity"
AUDIENCE = "liancha-hub"
ROLES = ("citizen", "clerk")


@dataclass(frozen=True)
class Identity:
    subject: str  # the token's `sub`
    role: str
    archive: str | None = None
    id_number: str | None = None
    name: str | None = None


def mint_identity_token(key: Ed25519PrivateKey, role: str, *, archive: str | None = None,
                        id_number: str | None = None, name: str | None = None,
                        lifetime_s: int = 12 * 3600) -> str:
    now = int(time.time())
    claims: dict[str, object] = {"iss": ISSUER, "aud": AUDIENCE, "iat": now,
                                 "exp": now + lifetime_s, "role": role,
                                 "sub": f"{role}:{archive or id_number or uuid.uuid4().hex}"}
    for claim, value in (("archive", archive), ("id_number", id_number), ("name", name)):
        if value:
            claims[claim] = value
    return jwt.encode(claims, key, algorithm="EdDSA")


def identify(authorization: str | None, key: Ed25519PublicKey) -> Identity:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("A bearer token from the identity issuer is required.")
    try:
        claims = jwt.decode(token.strip(), key, algorithms=["EdDSA"], audience=AUDIENCE,
                            issuer=ISSUER, options={"require": ["exp", "iat", "sub", "role"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"The token is not accepted: {exc}.") from exc
    role = claims["role"]
    if role not in ROLES:
        raise Unauthorized(f"Unknown role {role!r}.")
    if role == "clerk" and not claims.get("archive"):
        raise Unauthorized("A clerk's token names the clerk's archive.")
    if role == "citizen" and not (claims.get("id_number") and claims.get("name")):
        raise Unauthorized("A citizen's token carries their verified id number and name.")
    return Identity(str(claims["sub"]), role, claims.get("archive"), claims.get("id_number"),
                    claims.get("name"))
