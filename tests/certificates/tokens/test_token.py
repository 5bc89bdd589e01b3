"""Issuing and verifying the QR token in its current form: COSE_Sign1 over CBOR, in base32."""

import base64
import string
import tempfile
from datetime import date
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates.tokens import (
    ALTERED,
    EXPIRED,
    UNKNOWN_KEY,
    VALID,
    CertificateClaims,
    Keyring,
    issue_token,
    keys_from_jwks,
    token_from_url,
    verify_token,
    verify_url,
)
from certificates.tokens.cose import decode_text, encode_text
from tests.certificates.tokens.samples import certificate, claims_for

BASE32 = string.ascii_uppercase + "234567"
# Everything a damaged scan or a forger could put in one position
REPLACEMENTS = BASE32 + string.ascii_lowercase + "0189.=+/ -$%*:" + "\u00e9\u5f20"
KEYRING = Keyring.create(Path(tempfile.mkdtemp(prefix="liancha-test-keys-")) / "keys")
TOKEN = issue_token(KEYRING, claims_for(certificate()))
KEYS = keys_from_jwks(KEYRING.jwks())


def _parts(token: str) -> tuple[dict, dict, bytes, bytes]:
    """protected header, payload map, payload bytes, signature."""
    message = cbor2.loads(decode_text(token))
    protected, _, payload, signature = message.value
    return dict(cbor2.loads(protected)), dict(cbor2.loads(payload)), payload, signature


def _assemble(protected: bytes, payload: bytes, signature: bytes) -> str:
    return encode_text(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature])))


def test_round_trip(keyring: Keyring) -> None:
    claims = claims_for(certificate())
    token = issue_token(keyring, claims)
    check = verify_token(token, keyring.verification_keys())
    assert check.status == VALID and check.valid
    assert check.claims == claims
    assert check.kid == keyring.active_kid
    assert check.claims.number == "510500-2026-123"


def test_token_format(keyring: Keyring) -> None:
    token = issue_token(keyring, claims_for(certificate()))
    assert set(token) <= set(BASE32)
    message = cbor2.loads(decode_text(token))
    assert message.tag == 18 and len(message.value) == 4 and dict(message.value[1]) == {}
    header, payload, _, signature = _parts(token)
    assert header == {1: -8, 4: keyring.active_kid.encode()}
    digest = payload.pop(3)
    assert payload == {1: 123, 2: 20261125, 4: "张*华", 5: "510500"}
    assert base64.urlsafe_b64encode(digest).decode().rstrip("=") == claims_for(
        certificate()).digest
    assert len(signature) == 64


def test_a_realistic_token_fits_a_small_symbol(keyring: Keyring) -> None:
    token = issue_token(keyring, claims_for(certificate()))
    assert len(token) <= 210
    url = verify_url("https://liancha.example.cn", token)
    assert url == f"HTTPS://LIANCHA.EXAMPLE.CN/V/{token}" and len(url) <= 240


def test_numbers_of_another_shape_travel_whole(keyring: Keyring) -> None:
    content = certificate()
    for number in ("510500-2025-123", "510500-2026-0123", "泸档证〔2026〕第000123号"):
        claims = CertificateClaims(number, content["issued_on"], claims_for(content).digest,
                                   "张*华", "510500")
        token = issue_token(keyring, claims)
        assert _parts(token)[1][1] == number
        assert verify_token(token, keyring.verification_keys()).claims == claims


def test_claims_are_checked_when_issuing(keyring: Keyring) -> None:
    claims = claims_for(certificate())
    for bad in ({"digest": "short"}, {"digest": "A" * 43}, {"holder": ""}, {"archive": ""}):
        with pytest.raises(ValueError):
            issue_token(keyring, claims._replace(**bad))


@settings(max_examples=400, deadline=None)
@given(position=st.integers(0, len(TOKEN) - 1), replacement=st.sampled_from(REPLACEMENTS))
def test_changing_one_character_anywhere_is_altered(position: int, replacement: str) -> None:
    if TOKEN[position] == replacement:
        replacement = "A" if replacement != "A" else "B"
    damaged = TOKEN[:position] + replacement + TOKEN[position + 1:]
    assert verify_token(damaged, KEYS).status == ALTERED


def test_every_position_and_every_base32_character() -> None:
    """The exhaustive version for the alphabet a QR decoder would give back."""
    statuses = {
        verify_token(TOKEN[:i] + c + TOKEN[i + 1:], KEYS).status
        for i in range(len(TOKEN)) for c in BASE32 if c != TOKEN[i]
    }
    assert statuses == {ALTERED}


MALFORMED = {  # named, so that every test worker collects the same test ids
    "empty": lambda t: "", "cut": lambda t: t[:-1], "longer": lambda t: t + "A",
    "padding": lambda t: f"{t}=", "lower": lambda t: t.lower(), "space": lambda t: t + " ",
    "half": lambda t: t[: len(t) // 2],
    "untagged": lambda t: encode_text(cbor2.dumps(cbor2.loads(decode_text(t)).value)),
}


@pytest.mark.parametrize("mutation", sorted(MALFORMED))
def test_malformed_tokens_are_altered(mutation: str) -> None:
    token = MALFORMED[mutation](TOKEN)
    assert verify_token(token, KEYS).status == ALTERED


def test_swapped_payload_is_altered(keyring: Keyring) -> None:
    first = issue_token(keyring, claims_for(certificate(), sequence=1))
    second = issue_token(keyring, claims_for(certificate(), sequence=2))
    message, other = cbor2.loads(decode_text(first)), cbor2.loads(decode_text(second))
    forged = _assemble(message.value[0], other.value[2], message.value[3])
    check = verify_token(forged, keyring.verification_keys())
    assert check.status == ALTERED
    assert check.claims is not None and check.claims.number == "510500-2026-2"  # readable


def test_unknown_key(keyring: Keyring, tmp_path) -> None:
    other = Keyring.create(tmp_path / "other")
    token = issue_token(other, claims_for(certificate()))
    check = verify_token(token, keyring.verification_keys())
    assert check.status == UNKNOWN_KEY
    assert check.kid == other.active_kid
    assert check.claims == claims_for(certificate())
    assert verify_token(token, {}).status == UNKNOWN_KEY


def test_a_key_under_a_known_kid_that_did_not_sign_is_altered(keyring: Keyring) -> None:
    token = issue_token(keyring, claims_for(certificate()))
    impostor = {keyring.active_kid: Ed25519PrivateKey.generate().public_key()}
    assert verify_token(token, impostor).status == ALTERED


def test_expiry(keyring: Keyring) -> None:
    claims = claims_for(certificate(), expires_on=date(2027, 11, 24))
    token = issue_token(keyring, claims)
    keys = keyring.verification_keys()
    assert _parts(token)[1][6] == 20271124
    assert verify_token(token, keys, today=date(2027, 11, 24)).status == VALID
    check = verify_token(token, keys, today=date(2027, 11, 25))
    assert check.status == EXPIRED and check.claims == claims
    assert verify_token(token, keys).status in (VALID, EXPIRED)


def test_verify_url_round_trip() -> None:
    url = verify_url("https://liancha.example.cn/", TOKEN)
    assert url == f"HTTPS://LIANCHA.EXAMPLE.CN/V/{TOKEN}"
    assert token_from_url(url) == TOKEN
    # a base with a path keeps its path as written (only scheme and host are case-free)
    assert verify_url("https://example.org/liancha", TOKEN).startswith(
        "HTTPS://EXAMPLE.ORG/liancha/V/")
    assert token_from_url(verify_url("https://example.org/liancha", TOKEN)) == TOKEN
    for read in (f" {url}\n", f"{url}/", f"{url}?utm=x#top", f"liancha.example.cn/v/{TOKEN}"):
        assert token_from_url(read) == TOKEN


@pytest.mark.parametrize("url", [
    "https://liancha.example.cn/", "https://liancha.example.cn/v/", "https://x/v/a/b",
    "https://liancha.example.cn/verify/abc", "",
])
def test_token_from_url_refuses_other_urls(url: str) -> None:
    with pytest.raises(ValueError):
        token_from_url(url)


@pytest.mark.parametrize("holder", ["张*华", "司马*" + "华" * 90])
def test_the_signing_input_is_cut_from_the_token_as_cose_writes_it(holder: str) -> None:
    """Verification cuts `Sig_structure` out of the token's bytes instead of re-encoding it:
    the same bytes for payloads whose length takes one and two bytes to write."""
    from certificates.tokens import cose

    token = issue_token(KEYRING, claims_for(certificate())._replace(holder=holder))
    protected, payload, _, signed = cose._parts(decode_text(token))
    assert signed == cbor2.dumps(["Signature1", protected, b"", payload])
    assert verify_token(token, KEYS).status == VALID
