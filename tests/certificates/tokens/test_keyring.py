"""The signing keyring: files, rotation, revocation and the published JWKS."""

import json
import stat
from concurrent.futures import ThreadPoolExecutor
from itertools import combinations
from pathlib import Path

import pytest

from certificates.tokens import (
    UNKNOWN_KEY,
    VALID,
    Keyring,
    KeyringError,
    issue_token,
    keys_from_jwks,
    verify_token,
)
from certificates.tokens.jws import header_segment
from certificates.tokens.keyring import kid_for
from schemas.signing import key_from_jwk, public_jwk
from tests.certificates.tokens.samples import certificate, claims_for


def _statuses(keyring: Keyring) -> dict[str, str]:
    return {kid: entry.status for kid, entry in keyring.entries.items()}


def test_create_writes_one_private_key_and_the_keyring(keyring: Keyring) -> None:
    directory = keyring.directory
    kid = keyring.active_kid
    assert stat.S_IMODE((directory / f"{kid}.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    record = json.loads((directory / "keyring.json").read_text())["keys"][kid]
    assert record["status"] == "active" and record["created_at"].endswith("+00:00")
    assert len(kid) == 5 and public_jwk(keyring.signer()[1].public_key())["kid"].startswith(kid)
    with pytest.raises(KeyringError):
        Keyring.create(directory)


def test_load_reads_what_create_wrote(keyring: Keyring) -> None:
    loaded = Keyring.load(keyring.directory)
    assert _statuses(loaded) == _statuses(keyring)
    assert loaded.jwks() == keyring.jwks()
    with pytest.raises(KeyringError):
        Keyring.load(keyring.directory / "missing")


def test_jwks_round_trip_through_schemas_signing(keyring: Keyring) -> None:
    keyring.rotate()
    jwks = json.loads(json.dumps(keyring.jwks()))
    assert len(jwks["keys"]) == 2
    for jwk in jwks["keys"]:
        assert {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig"}.items() <= jwk.items()
        assert jwk["status"] in ("active", "retired")
        assert kid_for(key_from_jwk(jwk)) == jwk["kid"]
    token = issue_token(keyring, claims_for(certificate()))
    assert verify_token(token, keys_from_jwks(jwks)).status == VALID


def test_rotate(keyring: Keyring) -> None:
    old_kid = keyring.active_kid
    old_token = issue_token(keyring, claims_for(certificate(), sequence=1))
    new_kid = keyring.rotate()
    assert new_kid != old_kid and keyring.active_kid == new_kid
    assert _statuses(keyring) == {old_kid: "retired", new_kid: "active"}
    assert list(_statuses(Keyring.load(keyring.directory)).values()).count("active") == 1

    keys = keys_from_jwks(keyring.jwks())
    check = verify_token(old_token, keys)
    assert check.status == VALID and check.kid == old_kid
    new_token = issue_token(keyring, claims_for(certificate(), sequence=2))
    assert verify_token(new_token, keys).kid == new_kid
    # a verifier that only has the old keys does not mistake the new key for damage
    assert verify_token(new_token, {old_kid: keys[old_kid]}).status == UNKNOWN_KEY


def test_revoke(keyring: Keyring) -> None:
    revoked_kid = keyring.active_kid
    token = issue_token(keyring, claims_for(certificate()))
    with pytest.raises(KeyringError):
        keyring.revoke(revoked_kid)  # still signing
    keyring.rotate()
    keyring.revoke(revoked_kid)
    assert _statuses(Keyring.load(keyring.directory))[revoked_kid] == "revoked"
    assert revoked_kid not in {jwk["kid"] for jwk in keyring.jwks()["keys"]}
    check = verify_token(token, keys_from_jwks(keyring.jwks()))
    assert check.status == UNKNOWN_KEY and check.kid == revoked_kid
    with pytest.raises(KeyringError):
        keyring.revoke("nope!")


def test_keys_marked_revoked_in_a_jwks_are_ignored(keyring: Keyring) -> None:
    jwks = keyring.jwks()
    jwks["keys"][0]["status"] = "revoked"
    jwks["keys"].append({"kty": "RSA", "kid": "rsa", "n": "x", "e": "AQAB"})
    assert keys_from_jwks(jwks) == {}


def test_kids_stay_apart(keyring: Keyring) -> None:
    for _ in range(12):
        keyring.rotate()
    kids = list(keyring.entries)
    assert len(kids) == 13
    for first, second in combinations(kids, 2):
        assert all(a != b for a, b in zip(first, second, strict=True))
        headers = header_segment(first), header_segment(second)
        assert sum(a != b for a, b in zip(*headers, strict=True)) >= 3


def test_concurrent_rotations_keep_one_active_key(keyring: Keyring) -> None:
    others = [Keyring.load(keyring.directory) for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        new_kids = list(pool.map(lambda ring: ring.rotate(), others))
    keyring.reload()
    assert set(new_kids) < set(keyring.entries)
    assert len(keyring.entries) == 9
    assert list(_statuses(keyring).values()).count("active") == 1
    assert not list(Path(keyring.directory).glob(".keyring.*"))


def test_a_broken_keyring_is_refused(tmp_path: Path, keyring: Keyring) -> None:
    path = keyring.directory / "keyring.json"
    data = json.loads(path.read_text())
    data["keys"][keyring.active_kid]["status"] = "retired"
    path.write_text(json.dumps(data))
    with pytest.raises(KeyringError):
        Keyring.load(keyring.directory)
    path.write_text("{")
    with pytest.raises(KeyringError):
        Keyring.load(keyring.directory)
