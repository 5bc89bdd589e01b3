"""A kiosk of the Luzhou archive (510500) registered at the test hub, and a federation in
which 张国华 also has a record held elsewhere: a 1990 transfer in Yongchuan (500118) that
names him with his 15-digit id, so the kiosk shows one record to print here and one to
request across archives.
"""

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask.testing import FlaskClient

from accounts.kiosks import register_device
from kiosk_api.reader import Card, mint_card_assertion
from schemas.signing import public_pem
from tests.federation.conftest import CATALOGUES, serve_nodes
from tests.nodes.people import LI_ID, ZHANG_ID, ZHANG_ID_15

ZHANG = Card(ZHANG_ID, "张国华")
LI = Card(LI_ID, "李秀英")
DEVICE = "LZ-HALL-01"
LOCATION = "泸州市政务服务中心一楼"
MARRIAGE = "510500/marriage/LZ-M-1988"
TRANSFER = "500118/employment/YC-E-1990"
KIOSK_CATALOGUES = copy.deepcopy(CATALOGUES)
KIOSK_CATALOGUES["500118"]["employment"].append(
    {"local_id": "YC-E-1990", "event_date": "1990.5", "access": "open",
     "worker_name": "张国华", "worker_id_number": ZHANG_ID_15, "worker_gender": "M",
     "worker_birth_date": "1952.3", "employer": "永川县供销合作社",
     "recruitment_kind": "transfer"})


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The federation's three nodes (replacing tests/federation/conftest.py's `nodes`
    here) with the Yongchuan transfer record added."""
    with serve_nodes(tmp_path_factory.mktemp("kiosk-federation"), KIOSK_CATALOGUES) as served:
        yield served


@dataclass
class Kiosk:
    hub: FlaskClient
    key: Ed25519PrivateKey
    device_id: str = DEVICE

    def assertion(self, card: Card = ZHANG, key: Ed25519PrivateKey | None = None,
                  **extra: object) -> str:
        return mint_card_assertion(key or self.key, self.device_id, card, **extra)

    def open(self, card: Card = ZHANG, assertion: str | None = None):  # type: ignore[no-untyped-def]
        return self.hub.post("/kiosk/api/v1/sessions",
                             json={"assertion": assertion or self.assertion(card)})

    def session(self, card: Card = ZHANG) -> str:
        opened = self.open(card)
        assert opened.status_code == 201, opened.json
        return opened.json["session_token"]

    def post(self, path: str, token: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        return self.hub.post(f"/kiosk/api/v1{path}", json=body,
                             headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str, token: str):  # type: ignore[no-untyped-def]
        return self.hub.get(f"/kiosk/api/v1{path}",
                            headers={"Authorization": f"Bearer {token}"})


def register(app, device_id: str, archive: str, key: Ed25519PrivateKey) -> None:  # type: ignore[no-untyped-def]
    settings = app.extensions["liancha.hub"]
    with app.extensions["liancha.db"].session() as session:
        register_device(session, device_id, archive, LOCATION,
                        public_pem(key.public_key()).decode(),
                        {node.code for node in settings.nodes})


@pytest.fixture
def kiosk(federation) -> Kiosk:  # type: ignore[no-untyped-def]
    key = Ed25519PrivateKey.generate()
    register(federation.hub.application, DEVICE, "510500", key)
    return Kiosk(federation.hub, key)
