"""A node app over a fresh database, a client with hub tokens, and small catalogues."""

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from nodes.app import create_app
from nodes.importing.columns import columns_for
from nodes.services.importer import ImportReport, import_file
from nodes.storage import make_engine, upgrade_schema
from schemas.signing import load_private_key, mint_hub_token

ARCHIVE = {"code": "510500", "name": "泸州市档案馆"}


def write_standard_csv(path: Path, record_type: str, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns_for(record_type))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def importer(database_url: str, tmp_path: Path) -> Callable[..., ImportReport]:
    engine = make_engine(database_url)
    upgrade_schema(engine)

    def run(record_type: str, rows: list[dict[str, str]], name: str = "catalogue.csv"):
        path = write_standard_csv(tmp_path / name, record_type, rows)
        return import_file(engine, record_type, path)

    yield run
    engine.dispose()


@pytest.fixture
def app(database_url: str, keys: dict[str, Path]) -> Flask:
    return create_app({
        "ARCHIVE_CODE": ARCHIVE["code"],
        "ARCHIVE_NAME": ARCHIVE["name"],
        "DATABASE_URL": database_url,
        "HUB_PUBLIC_KEY": keys["hub_public"],
        "SIGNING_KEY": keys["node_private"],
    })


class HubClient:
    """Calls the node as the hub would: a fresh signed token per call."""

    def __init__(self, client: FlaskClient, hub_key_path: Path) -> None:
        self.client = client
        self.hub_key = load_private_key(hub_key_path)

    def token(self, audience: str = ARCHIVE["code"]) -> str:
        return mint_hub_token(self.hub_key, audience, "test: marriage proof")

    def search(self, subject: dict, **extra: object):  # type: ignore[no-untyped-def]
        body = {"subject": subject, "purpose": "test", "request_id": "req-1", **extra}
        return self.client.post("/v1/search", json=body,
                                headers={"Authorization": f"Bearer {self.token()}"})

    def record(self, record_id: str):  # type: ignore[no-untyped-def]
        return self.client.get(f"/v1/records/{record_id}",
                               headers={"Authorization": f"Bearer {self.token()}"})


@pytest.fixture
def hub(app: Flask, keys: dict[str, Path]) -> HubClient:
    return HubClient(app.test_client(), keys["hub_private"])
