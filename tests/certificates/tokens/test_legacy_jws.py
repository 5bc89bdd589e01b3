"""The first form of the QR token (a JWS), still read for the certificates issued with it."""

import base64
import json
import string
import tempfile
from datetime import date
from pathlib import Path

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
    keys_from_jwks,
    token_from_url,
    verify_token,
    verify_url,
)
from certificates.tokens.jws import issue as issue_token
from tests.certificates.tokens.samples import certificate, claims_for

BASE64URL = string.ascii_letters + string.digits + "-_"
# Everything a damaged scan or a forger could put in one position
REPLACEMENTS = BASE64URL + ".=+/ !\"%\\~" + "\u00e9\u5f20"
KEYRING = Keyring.create(Path(tempfile.mkdtemp(prefix="liancha-test-keys-")) / "keys")
TOKEN = issue_token(KEYRING, claims_for(certificate()))
KEYS = keys_from_jwks(KEYRING.jwks())


def _segments(token: str) -> list[dict]:
    return [json.loads(base64.urlsafe_b64decode(part + "==")) for part in token.split(".")[:2]]


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
    header, payload = _segments(token)
    assert header == {"alg": "EdDSA", "kid": keyring.active_kid, "typ": "lcc"}
    assert payload == {"n": 123, "d": 20261125, "h": payload["h"], "m": "张*华", "a": "510500"}
    assert len(payload["h"]) == 22
    assert set(token) <= set(BASE64URL + ".")


def test_numbers_of_another_shape_travel_whole(keyring: Keyring) -> None:
    content = certificate()
    for number in ("510500-2025-123", "510500-2026-0123", "泸档证〔2026〕第000123号"):
        claims = CertificateClaims(number, content["issued_on"], claims_for(content).digest,
                                   "张*华", "510500")
        token = issue_token(keyring, claims)
        assert _segments(token)[1]["n"] == number
        assert verify_token(token, keyring.verification_keys()).claims == claims


@settings(max_examples=400, deadline=None)
@given(position=st.integers(0, len(TOKEN) - 1), replacement=st.sampled_from(REPLACEMENTS))
def test_changing_one_character_anywhere_is_altered(position: int, replacement: str) -> None:
    if TOKEN[position] == replacement:
        replacement = "A" if replacement != "A" else "B"
    damaged = TOKEN[:position] + replacement + TOKEN[position + 1:]
    assert verify_token(damaged, KEYS).status == ALTERED


def test_every_position_and_every_base64url_character() -> None:
    """The exhaustive version for the alphabet a QR decoder would give back."""
    statuses = {
        verify_token(TOKEN[:i] + c + TOKEN[i + 1:], KEYS).status
        for i in range(len(TOKEN)) for c in BASE64URL if c != TOKEN[i]
    }
    assert statuses == {ALTERED}


MALFORMED = {  # named, so that every test worker collects the same test ids
    "empty": lambda t: "", "dot": lambda t: ".", "dots": lambda t: "..",
    "junk": lambda t: "a.b.c", "extra_part": lambda t: t + ".", "cut": lambda t: t[:-1],
    "longer": lambda t: t + "A", "space": lambda t: t.replace(".", ". ", 1),
    "no_payload": lambda t: t.split(".")[0] + ".." + t.split(".")[2],
    "padding": lambda t: f"{t}=",
}


@pytest.mark.parametrize("mutation", sorted(MALFORMED))
def test_malformed_tokens_are_altered(mutation: str) -> None:
    token = MALFORMED[mutation](TOKEN)
    assert verify_token(token, KEYS).status == ALTERED


def test_swapped_payload_is_altered(keyring: Keyring) -> None:
    first = issue_token(keyring, claims_for(certificate(), sequence=1))
    second = issue_token(keyring, claims_for(certificate(), sequence=2))
    header, _, signature = first.split(".")
    forged = f"{header}.{second.split('.')[1]}.{signature}"
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
    assert _segments(token)[1]["x"] == 20271124
    assert verify_token(token, keys, today=date(2027, 11, 24)).status == VALID
    check = verify_token(token, keys, today=date(2027, 11, 25))
    assert check.status == EXPIRED and check.claims == claims
    assert verify_token(token, keys).status in (VALID, EXPIRED)


def test_verify_url_round_trip() -> None:
    url = verify_url("https://liancha.example.cn/", TOKEN)  # the first form's URL
    assert url == f"https://liancha.example.cn/v/{TOKEN}"
    assert token_from_url(url) == TOKEN
    assert token_from_url(verify_url("https://example.org/liancha", TOKEN)) == TOKEN
    for read in (f" {url}\n", f"{url}/", f"{url}?utm=x#top", f"liancha.example.cn/v/{TOKEN}"):
        assert token_from_url(read) == TOKEN
    assert token_from_url(url.replace(".", "%2E")) == TOKEN


