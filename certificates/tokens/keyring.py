"""The hub's certificate-signing keys: Ed25519 keys kept in one directory.

Layout: `<kid>.pem` per key (PKCS#8, unencrypted, mode 0600; the directory is 0700) and
`keyring.json`: `{"format": 1, "keys": {kid: {"created_at", "status", "changed_at"}}}` in
creation order. Statuses: `active` signs new certificates (exactly one key), `retired` no
longer signs but its certificates still verify, `revoked` verifies nothing (left out of the
JWKS, so its tokens verify as `unknown_key`).

A kid is the first 5 characters (30 bits) of the key's RFC 7638 thumbprint
(`schemas.signing.public_jwk`): short, because it is in every QR code, and unique where it
matters, in this keyring's JWKS. A new key is drawn again until its kid differs from every
kid the keyring ever had in every position, so that a token whose kid was damaged is told
apart from one signed by a key the verifier has not seen (see `certificates.tokens.token`).
Anyone can check that a published kid is the prefix of its key's thumbprint.

Changes (`rotate`, `revoke`) hold an exclusive lock on `.lock` in the directory, re-read
`keyring.json` under it, write the new key file first and then `keyring.json` through a
temporary file renamed over it: readers see the old or the new keyring, never half of one.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from schemas.signing import key_from_jwk, load_private_key, public_jwk

ACTIVE = "active"
RETIRED = "retired"
REVOKED = "revoked"
STATUSES = (ACTIVE, RETIRED, REVOKED)
KID_LENGTH = 5
KEYRING_FILE = "keyring.json"
LOCK_FILE = ".lock"
FORMAT = 1


class KeyringError(Exception):
    """The keyring directory is missing, inconsistent, or the change asked for is not allowed."""


def kid_for(key: Ed25519PublicKey) -> str:
    """The short kid: the first characters of the RFC 7638 thumbprint."""
    return public_jwk(key)["kid"][:KID_LENGTH]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class KeyEntry:
    """One key's record in `keyring.json`."""

    kid: str
    created_at: str  # ISO 8601, UTC
    status: str
    changed_at: str | None = None  # when it was retired or revoked

    def record(self) -> dict[str, Any]:
        return {"created_at": self.created_at, "status": self.status,
                "changed_at": self.changed_at}


class Keyring:
    """The signing keys in `directory`; build with `Keyring.create` or `Keyring.load`."""

    def __init__(self, directory: Path, entries: dict[str, KeyEntry]) -> None:
        self.directory = Path(directory)
        self.entries = entries
        self._private: dict[str, Ed25519PrivateKey] = {}
        _check(entries)

    # -- opening ----------------------------------------------------------------------
    @classmethod
    def create(cls, directory: Path | str) -> Keyring:
        """A new keyring with one active key; refuses a directory that has one already."""
        directory = Path(directory)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _locked(directory):
            if (directory / KEYRING_FILE).exists():
                raise KeyringError(f"{directory} already holds a keyring")
            kid = _new_key(directory, set())
            entries = {kid: KeyEntry(kid, _now(), ACTIVE)}
            _write(directory, entries)
        return cls(directory, entries)

    @classmethod
    def load(cls, directory: Path | str) -> Keyring:
        directory = Path(directory)
        return cls(directory, _read(directory))

    def reload(self) -> None:
        """Pick up changes another process made."""
        self.entries = _read(self.directory)
        _check(self.entries)

    # -- reading ----------------------------------------------------------------------
    @property
    def active_kid(self) -> str:
        return next(kid for kid, entry in self.entries.items() if entry.status == ACTIVE)

    def _private_key(self, kid: str) -> Ed25519PrivateKey:
        key = self._private.get(kid)
        if key is None:
            key = self._private[kid] = load_private_key(self.directory / f"{kid}.pem")
            if kid_for(key.public_key()) != kid:
                raise KeyringError(f"{kid}.pem holds another key")
        return key

    def signer(self) -> tuple[str, Ed25519PrivateKey]:
        """The kid and private key that sign new certificates."""
        kid = self.active_kid
        return kid, self._private_key(kid)

    def verification_keys(self) -> dict[str, Ed25519PublicKey]:
        """kid -> public key, for the active and retired keys (what `jwks` publishes)."""
        return {kid: self._private_key(kid).public_key()
                for kid, entry in self.entries.items() if entry.status != REVOKED}

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public keys of active and retired keys as a JWK Set (RFC 7517), with `status`."""
        keys = []
        for kid, key in self.verification_keys().items():
            jwk = public_jwk(key)
            jwk.update(kid=kid, status=self.entries[kid].status)
            keys.append(jwk)
        return {"keys": keys}

    # -- changing ---------------------------------------------------------------------
    def rotate(self) -> str:
        """Add a key that signs from now on; the one before is retired and still verifies."""
        with _locked(self.directory):
            entries = _read(self.directory)
            kid = _new_key(self.directory, set(entries))
            now = _now()
            entries = {
                old: replace(entry, status=RETIRED, changed_at=now)
                if entry.status == ACTIVE else entry
                for old, entry in entries.items()
            }
            entries[kid] = KeyEntry(kid, now, ACTIVE)
            _check(entries)
            _write(self.directory, entries)
        self.entries = entries
        return kid

    def revoke(self, kid: str) -> None:
        """Stop a retired key from verifying anything (rotate first to revoke the active one)."""
        with _locked(self.directory):
            entries = _read(self.directory)
            entry = entries.get(kid)
            if entry is None:
                raise KeyringError(f"no key {kid!r} in the keyring")
            if entry.status == ACTIVE:
                raise KeyringError(f"{kid!r} signs new certificates: rotate before revoking it")
            if entry.status != REVOKED:
                entries[kid] = replace(entry, status=REVOKED, changed_at=_now())
                _write(self.directory, entries)
        self.entries = entries
        self._private.pop(kid, None)


def keys_from_jwks(jwks: dict[str, Any]) -> dict[str, Ed25519PublicKey]:
    """kid -> public key from a published JWK Set; keys marked revoked or not Ed25519 skipped."""
    keys = {}
    for jwk in jwks.get("keys", []):
        if (jwk.get("kty"), jwk.get("crv")) != ("OKP", "Ed25519") or not jwk.get("kid"):
            continue
        if jwk.get("status") == REVOKED or jwk.get("use", "sig") != "sig":
            continue
        keys[jwk["kid"]] = key_from_jwk(jwk)
    return keys


# -- files ----------------------------------------------------------------------------
def _check(entries: dict[str, KeyEntry]) -> None:
    active = [kid for kid, entry in entries.items() if entry.status == ACTIVE]
    if len(active) != 1:
        raise KeyringError(f"a keyring has exactly one active key, not {active}")
    for entry in entries.values():
        if entry.status not in STATUSES:
            raise KeyringError(f"key {entry.kid!r} has an unknown status {entry.status!r}")


def _far_apart(kid: str, others: set[str]) -> bool:
    return all(all(a != b for a, b in zip(kid, other, strict=False)) for other in others)


def _new_key(directory: Path, taken: set[str]) -> str:
    """Write a new `<kid>.pem` whose kid differs from every taken kid in every position."""
    while True:
        key = Ed25519PrivateKey.generate()
        kid = kid_for(key.public_key())
        if _far_apart(kid, taken):
            break
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    descriptor = os.open(directory / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
        file.flush()
        os.fsync(file.fileno())
    return kid


def _read(directory: Path) -> dict[str, KeyEntry]:
    path = directory / KEYRING_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise KeyringError(f"no keyring in {directory} (create one first)") from exc
    except ValueError as exc:
        raise KeyringError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KeyringError(f"{path} is not a keyring of format {FORMAT}")
    try:
        return {kid: KeyEntry(kid, record["created_at"], record["status"],
                              record.get("changed_at"))
                for kid, record in data["keys"].items()}
    except (KeyError, TypeError, AttributeError) as exc:
        raise KeyringError(f"{path} has a malformed key record: {exc}") from exc


def _write(directory: Path, entries: dict[str, KeyEntry]) -> None:
    data = {"format": FORMAT, "keys": {kid: entry.record() for kid, entry in entries.items()}}
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=directory, prefix=".keyring.", suffix=".tmp", delete=False
    ) as file:
        json.dump(data, file, ensure_ascii=False, indent=2)
        file.write("\n")
        file.flush()
        os.fsync(file.fileno())
    os.chmod(file.name, 0o644)
    os.replace(file.name, directory / KEYRING_FILE)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def open_keyring(directory: Path | str) -> Keyring:
    """The keyring in `directory`, created with one active key on first use."""
    directory = Path(directory)
    if (directory / KEYRING_FILE).exists():
        return Keyring.load(directory)
    try:
        return Keyring.create(directory)
    except KeyringError:  # another process created it meanwhile
        return Keyring.load(directory)
