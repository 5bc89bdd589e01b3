"""The app API over the federation of `tests/federation/conftest.py`: citizens with their
tokens, and a hub whose rate limit is small enough to reach."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from federation.app import create_app as create_hub
from tests.federation.test_queries import SUBJECT
from tests.nodes.people import LI_ID, OTHER_ZHANG_ID

API = "/mobile/api/v1"
MARRIAGE = "510500/marriage/LZ-M-1988"  # 张国华 and 李秀英, held by 泸州市档案馆
EMPLOYMENT = "500118/employment/YC-E-1978"  # 张国华's, held by 重庆市永川区档案馆


@dataclass
class App:
    """The app on one person's phone: every call carries their token."""

    client: FlaskClient
    token: str

    def get(self, path: str) -> TestResponse:
        return self.client.get(API + path, headers=self._headers())

    def post(self, path: str, body: dict) -> TestResponse:
        return self.client.post(API + path, json=body, headers=self._headers())

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def citizen_app(federation, id_number: str, name: str,  # type: ignore[no-untyped-def]
                client: FlaskClient | None = None) -> App:
    token = federation.token("citizen", id_number=id_number, name=name)
    return App(client or federation.hub, token)


@pytest.fixture
def zhang(federation) -> App:  # type: ignore[no-untyped-def]
    return citizen_app(federation, SUBJECT["id_number"], SUBJECT["name"])


@pytest.fixture
def other_zhang(federation) -> App:  # type: ignore[no-untyped-def]
    """Another man named 张国华 (born 1960): none of the first one's records are his."""
    return citizen_app(federation, OTHER_ZHANG_ID, "张国华")


@pytest.fixture
def li(federation) -> App:  # type: ignore[no-untyped-def]
    """李秀英, the wife in the Luzhou marriage record."""
    return citizen_app(federation, LI_ID, "李秀英")


@pytest.fixture
def limited_hub(federation, nodes, database_url: str, tmp_path: Path) -> FlaskClient:
    """The same federation with a limit of 3 requests a minute per identity."""
    base, _ = nodes
    settings = federation.hub.application.extensions["liancha.hub"]
    return create_hub({"NODES": federation.nodes_file, "DATABASE_URL": database_url,
                       "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                       "IDENTITY_PUBLIC_KEY": settings.identity_public_key,
                       "CERTIFICATE_KEYS": tmp_path / "keys-limited",
                       "RATE_LIMIT_PER_MINUTE": 3}).test_client()
