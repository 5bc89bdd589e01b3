"""A hub over the test federation's nodes with a registered national platform client.

The hub's callback pump is off (`CALLBACK_POLL_S` 0) so that tests drive `deliver_due`
themselves; `make_hub` builds another one (with a pump) on the same database.
"""

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.platform import mint_client_assertion, register_client, token_audience
from federation.app import create_app as create_hub
from federation.background import stop_background
from federation.identity import Identity, mint_clerk_token, mint_identity_token
from schemas.signing import generate_key_pair, load_private_key, public_pem
from tests.federation.test_queries import SUBJECT

API = "/national/api/v1"
LUZHOU = Identity("clerk:wang", "clerk", archive="510500",
                  roles=frozenset({"receiving", "holding"}))
YONGCHUAN = Identity("clerk:chen", "clerk", archive="500118", roles=frozenset({"holding"}))
JIANGJIN = Identity("clerk:liu", "clerk", archive="500116", roles=frozenset({"holding"}))
SUBMISSION = {"subject": SUBJECT, "purpose": "退休工龄认定", "receiving_archive": "510500",
              "applicant": {"name": "张小华", "relation": "child"},
              "documents": [{"kind": "id_card", "number": SUBJECT["id_number"]},
                            {"kind": "letter_of_authorization", "note": "signed 2026-11-20"}],
              "holding_archives": ["500118", "500116"]}


@dataclass
class Platform:
    """A registered platform client talking to the hub's national API."""

    hub: FlaskClient
    client_id: str
    key: object  # its Ed25519 private key
    identity_key: object

    @property
    def app(self) -> Flask:
        return self.hub.application

    @property
    def settings(self):  # type: ignore[no-untyped-def]
        return self.app.extensions["liancha.hub"]

    @property
    def audience(self) -> str:
        return token_audience(self.settings)

    def assertion(self, **claims: object) -> str:
        if not claims:
            return mint_client_assertion(self.key, self.client_id, self.audience)
        now = int(time.time())
        return jwt.encode({"iss": self.client_id, "sub": self.client_id, "aud": self.audience,
                           "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex, **claims},
                          self.key, algorithm="EdDSA")

    def exchange(self, assertion: str):  # type: ignore[no-untyped-def]
        return self.hub.post(f"{API}/token", data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion})

    def token(self) -> str:
        answer = self.exchange(self.assertion())
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["access_token"]

    def submit(self, body: dict | None = None, key: str | None = "key-1",
               token: str | None = None):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {token or self.token()}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.hub.post(f"{API}/requests", json=body or SUBMISSION, headers=headers)

    def get(self, path: str, token: str | None = None):  # type: ignore[no-untyped-def]
        return self.hub.get(f"{API}{path}",
                            headers={"Authorization": f"Bearer {token or self.token()}"})

    def session(self):  # type: ignore[no-untyped-def]
        return self.app.extensions["liancha.db"].session()

    def clerk_token(self) -> str:
        return mint_clerk_token(self.settings.signing_key, "wang", "510500",
                                ["receiving", "holding"])

    def citizen_token(self) -> str:
        return mint_identity_token(self.identity_key, "citizen", **SUBJECT)  # type: ignore[arg-type]


@pytest.fixture
def make_hub(nodes, database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    base, _ = nodes
    identity_private, identity_public = generate_key_pair(tmp_path / "identity")
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        app = create_hub({"NODES": base / "nodes.yaml", "DATABASE_URL": database_url,
                          "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                          "IDENTITY_PUBLIC_KEY": identity_public,
                          "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                          "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                          "PUBLIC_URL": "https://hub.example.org", "CALLBACK_POLL_S": 0,
                          # the tests' stand-in platforms listen on loopback
                          "CALLBACKS_ALLOW_PRIVATE": True, **config})
        app.extensions["test.identity_key"] = load_private_key(identity_private)
        made.append(app)
        return app

    yield make
    for app in made:
        stop_background(app)


def register(app: Flask, tmp_path: Path, client_id: str,
             callback_url: str | None = None) -> object:
    """Register a client with a fresh key pair; its private key."""
    private, public = generate_key_pair(tmp_path / client_id)
    key = load_private_key(private)
    session = app.extensions["liancha.db"].session()
    try:
        register_client(session, client_id, f"全国档案查询利用服务平台 ({client_id})",
                        public.read_text("utf-8"), callback_url, allow_private=True)
    finally:
        session.close()
    assert public_pem(key.public_key()) == public.read_bytes()
    return key


def platform_on(app: Flask, tmp_path: Path, client_id: str = "national-platform",
                callback_url: str | None = None) -> Platform:
    key = register(app, tmp_path, client_id, callback_url)
    return Platform(app.test_client(), client_id, key, app.extensions["test.identity_key"])


@pytest.fixture
def platform(make_hub, tmp_path: Path) -> Platform:
    return platform_on(make_hub(), tmp_path)
