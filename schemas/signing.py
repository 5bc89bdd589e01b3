"""Ed25519 keys, hub tokens and signed answers: the cryptographic half of the standard.

Hub tokens are EdDSA JWTs (`iss`, `aud` = archive code, `iat`, `exp`, `jti`, `purpose`).
Answers carry `Liancha-Signature`: a compact JWS over `{body_sha256, archive, iat,
request_id}`, so that whoever keeps the body and the signature can prove where it came from.
"""

import base64
import binascii
import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNATURE_HEADER = "Liancha-Signature"
HUB_ISSUER = "liancha-hub"
MAX_TOKEN_LIFETIME_S = 300


class SignatureInvalid(Exception):
    """An answer's signature is missing, malformed, from an unknown key or does not match."""


def generate_key_pair(directory: Path) -> tuple[Path, Path]:
    """Write `private.pem` (PKCS#8, mode 0600) and `public.pem` for a new Ed25519 key."""
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_path, public_path = directory / "private.pem", directory / "public.pem"
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(public_pem(key.public_key()))
    return private_path, public_path


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_TOKEN_HEADER = _b64url(b'{"alg":"EdDSA","typ":"JWT"}')


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    """The key as an OKP JWK, with its RFC 7638 thumbprint as `kid`."""
    x = _b64url(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    thumbprint_input = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    kid = _b64url(hashlib.sha256(thumbprint_input.encode()).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": "EdDSA"}


def key_from_jwk(jwk: dict[str, str]) -> Ed25519PublicKey:
    raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def hub_token_claims(audience: str, purpose: str, lifetime_s: int = 60) -> dict:
    """The claims of a fresh hub token for one call to the node of archive `audience`."""
    now = int(time.time())
    return {
        "iss": HUB_ISSUER,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime_s,
        "jti": uuid.uuid4().hex,
        "purpose": purpose,
    }


def mint_hub_token(
    key: Ed25519PrivateKey, audience: str, purpose: str, lifetime_s: int = 60
) -> str:
    """A short-lived token for one call to the node of archive `audience`.

    Written here rather than by pyjwt (a standard compact JWS all the same, which pyjwt
    reads): a hub mints one per archive asked, on the fan-out's one loop, and pyjwt took
    as long again as the Ed25519 signature itself."""
    # ASCII with escapes, as pyjwt wrote it: any purpose text, even a lone surrogate
    claims = json.dumps(hub_token_claims(audience, purpose, lifetime_s),
                        separators=(",", ":")).encode("ascii")
    signing_input = f"{_TOKEN_HEADER}.{_b64url(claims)}"
    return f"{signing_input}.{_b64url(key.sign(signing_input.encode('ascii')))}"


class TokenRefused(Exception):
    """A hub token that does not open a call; the message says why."""


HUB_TOKEN_CLAIMS = ["iss", "aud", "iat", "exp", "jti"]
MAX_JTI = 128


@dataclass(frozen=True)
class HubCall:
    """An accepted hub token: its id (remember it, a second use is a replay) and purpose."""

    jti: str
    purpose: str
    expires_at: int


def check_hub_token(authorization: str | None, public_key: Ed25519PublicKey, audience: str,
                    leeway_s: int, max_lifetime_s: int) -> HubCall:
    """The hub token of an `Authorization: Bearer` header, for the archive (or lower hub)
    `audience`; `TokenRefused` with the reason. What a node checks, and a hub serving an
    upper hub: the caller remembers the `jti` against replays."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("A hub-signed bearer token is required (Authorization: Bearer ...).")
    try:
        claims = jwt.decode(token.strip(), public_key, algorithms=["EdDSA"], audience=audience,
                            issuer=HUB_ISSUER, leeway=leeway_s,
                            options={"require": HUB_TOKEN_CLAIMS})
    except jwt.PyJWTError as exc:
        raise TokenRefused(f"The token is not accepted: {exc}.") from exc
    if claims["exp"] - claims["iat"] > max_lifetime_s:
        raise TokenRefused(f"The token lives longer than {max_lifetime_s} s; use short tokens.")
    purpose = claims.get("purpose")
    if not isinstance(purpose, str) or not purpose.strip():
        raise TokenRefused("The token carries no purpose.")
    if not isinstance(claims["jti"], str) or not 0 < len(claims["jti"]) <= MAX_JTI:
        raise TokenRefused(f"The token's jti must be a string of 1 to {MAX_JTI} characters.")
    return HubCall(claims["jti"], purpose, int(claims["exp"]) + leeway_s)


def sign_body(key: Ed25519PrivateKey, body: bytes, archive: str, request_id: str | None) -> str:
    payload = {
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "archive": archive,
        "iat": int(time.time()),
        "request_id": request_id,
    }
    return jwt.encode(
        payload, key, algorithm="EdDSA", headers={"kid": public_jwk(key.public_key())["kid"]}
    )


@dataclass(frozen=True)
class SignedAnswer:
    archive: str
    request_id: str | None
    issued_at: int
    kid: str


def verify_body(
    signature: str | None, body: bytes, keys: dict[str, Ed25519PublicKey]
) -> SignedAnswer:
    """Check an answer's signature against the keys known for its node (by `kid`).

    The compact JWS is read here rather than by pyjwt: a hub checks one per archive per
    query (thousands in a national broadcast), and pyjwt decodes it twice (the header for
    the kid, then the whole) at several times the cost of the Ed25519 check itself. Only what
    `sign_body` writes is accepted: alg EdDSA, a known kid, no `crit`, claims as a JSON
    object with a numeric `iat`."""
    if not signature:
        raise SignatureInvalid("the answer carries no signature")
    parts = signature.split(".")
    header = _json_segment(parts[0]) if len(parts) == 3 else None
    claims = _json_segment(parts[1]) if header is not None else None
    raw_signature = _segment(parts[2]) if claims is not None else None
    if raw_signature is None or header is None or claims is None:
        raise SignatureInvalid("the signature does not verify: not a compact JWS")
    if header.get("alg") != "EdDSA" or "crit" in header:
        raise SignatureInvalid("the signature does not verify: not an EdDSA signature")
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in keys:
        raise SignatureInvalid(f"the answer is signed with an unknown key {kid!r}")
    try:
        keys[kid].verify(raw_signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature as exc:
        raise SignatureInvalid("the signature does not verify: Signature verification "
                               "failed") from exc
    if not isinstance(claims.get("iat"), int | float) or isinstance(claims.get("iat"), bool):
        raise SignatureInvalid("the signature does not verify: no issue time")
    if claims.get("body_sha256") != hashlib.sha256(body).hexdigest():
        raise SignatureInvalid("the signature does not match the body")
    return SignedAnswer(claims.get("archive"), claims.get("request_id"), claims.get("iat"), kid)


_FROM_URL_SAFE = bytes.maketrans(b"-_", b"+/")


def _segment(text: str) -> bytes | None:
    """The bytes of one unpadded base64url segment, strictly (no other characters)."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        return None
    if b"+" in raw or b"/" in raw or b"=" in raw:
        return None  # base64 or padding: not a JWS's base64url
    try:
        return binascii.a2b_base64(raw.translate(_FROM_URL_SAFE) + b"=" * (-len(raw) % 4),
                                   strict_mode=True)
    except (binascii.Error, ValueError):
        return None


def _json_segment(text: str) -> dict | None:
    raw = _segment(text)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
