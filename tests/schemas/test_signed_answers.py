"""`verify_body` reads answer signatures itself (not through pyjwt): it accepts what
`sign_body` writes, as pyjwt does, and refuses every variation an attacker could send."""

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from schemas.signing import SignatureInvalid, public_jwk, sign_body, verify_body

KEY = Ed25519PrivateKey.generate()
KEYS = {public_jwk(KEY.public_key())["kid"]: KEY.public_key()}
BODY = b'{"archive":{"code":"510500"},"records":[]}'
SIGNATURE = sign_body(KEY, BODY, "510500", "r-1")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forged(header: dict, claims: dict, key: Ed25519PrivateKey = KEY) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(key.sign(signing_input.encode()))}"


def test_what_sign_body_writes_verifies_as_pyjwt_reads_it() -> None:
    signed = verify_body(SIGNATURE, BODY, KEYS)
    claims = jwt.decode(SIGNATURE, KEY.public_key(), algorithms=["EdDSA"])
    assert (signed.archive, signed.request_id, signed.issued_at) == (
        claims["archive"], claims["request_id"], claims["iat"])


CLAIMS = jwt.decode(SIGNATURE, options={"verify_signature": False})
KID = next(iter(KEYS))
REFUSED = {
    "none": (None, "carries no signature"),
    "empty": ("", "carries no signature"),
    "two parts": (SIGNATURE.rsplit(".", 1)[0], "not a compact JWS"),
    "four parts": (SIGNATURE + ".x", "not a compact JWS"),
    "padded": (SIGNATURE + "==", "not a compact JWS"),
    "base64 not base64url": (SIGNATURE.replace("-", "+").replace("_", "/")
                             if "-" in SIGNATURE or "_" in SIGNATURE else SIGNATURE[:-2] + "+/",
                             "not a compact JWS"),
    "alg none": (_forged({"alg": "none", "kid": KID}, CLAIMS), "not an EdDSA"),
    "crit": (_forged({"alg": "EdDSA", "kid": KID, "crit": ["exp"]}, CLAIMS), "not an EdDSA"),
    "unknown kid": (_forged({"alg": "EdDSA", "kid": "other"}, CLAIMS), "unknown key"),
    "no kid": (_forged({"alg": "EdDSA"}, CLAIMS), "unknown key"),
    "another key": (_forged({"alg": "EdDSA", "kid": KID}, CLAIMS,
                            Ed25519PrivateKey.generate()), "does not verify"),
    "claims not an object": (_forged({"alg": "EdDSA", "kid": KID}, ["x"]), "not a compact"),
    "no iat": (_forged({"alg": "EdDSA", "kid": KID}, {k: v for k, v in CLAIMS.items()
                                                       if k != "iat"}), "no issue time"),
    "another body": (_forged({"alg": "EdDSA", "kid": KID}, dict(CLAIMS, body_sha256="0" * 64)),
                     "does not match the body"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_every_variation_is_refused_with_its_reason(case: str) -> None:
    signature, reason = REFUSED[case]
    with pytest.raises(SignatureInvalid, match=reason):
        verify_body(signature, BODY, KEYS)


@given(position=st.integers(0, len(SIGNATURE) - 1),
       character=st.sampled_from("AZaz09-_.+/= \u00e9"))
def test_any_changed_character_is_refused(position: int, character: str) -> None:
    changed = SIGNATURE[:position] + character + SIGNATURE[position + 1:]
    if changed == SIGNATURE:
        return
    try:
        signed = verify_body(changed, BODY, KEYS)
    except SignatureInvalid:
        return
    # base64url's last character carries spare bits: a change there may decode alike
    assert _b64(base64.urlsafe_b64decode(changed.split(".")[2] + "==")) == \
        SIGNATURE.split(".")[2] and signed.request_id == "r-1"


def test_a_hub_token_carries_any_purpose_text_to_the_node() -> None:
    """Written without pyjwt, read by pyjwt: the purpose arrives as it was given."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from schemas.signing import check_hub_token, mint_hub_token

    key = Ed25519PrivateKey.generate()
    for purpose in ("退休工龄认定", "婚姻登记 \U0002a6a5 查询", "x\ud800y", 'say "why"\n'):
        token = mint_hub_token(key, "510100", purpose)
        call = check_hub_token(f"Bearer {token}", key.public_key(), "510100", 30, 300)
        assert call.purpose == purpose
