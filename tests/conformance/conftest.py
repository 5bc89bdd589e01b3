"""A real node, served over loopback in a background thread, for the conformance checks."""

import csv
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from nodes.importing.columns import columns_for

ARCHIVE_CODE = "330102"
MARRIAGES = [
    {"local_id": "M-1", "event_date": "1979-05-01", "access": "open",
     "registration_kind": "marriage", "husband_name": "张伟", "husband_gender": "M",
     "husband_birth_date": "1955-03-02", "wife_name": "李秀英", "wife_gender": "F"},
    {"local_id": "M 2/b", "event_date": "1992", "access": "restricted",
     "registration_kind": "remarriage", "husband_name": "王强", "wife_name": "张伟",
     "wife_gender": "F"},
]


@dataclass(frozen=True)
class Served:
    url: str
    hub_key: Path


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve `app` on a free loopback port in a daemon thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def write_csv(path: Path, record_type: str, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns_for(record_type))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def live_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Our node with two marriage records, trusting a fresh hub key."""
    from nodes.app import create_app
    from nodes.services.importer import import_file
    from nodes.storage import make_engine, upgrade_schema
    from schemas.signing import generate_key_pair

    base = tmp_path_factory.mktemp("node")
    hub_private, hub_public = generate_key_pair(base / "hub")
    node_private, _ = generate_key_pair(base / "node")
    database_url = f"sqlite:///{base / 'node.sqlite'}"
    engine = make_engine(database_url)
    upgrade_schema(engine)
    report = import_file(engine, "marriage", write_csv(base / "marriage.csv", "marriage",
                                                       MARRIAGES))
    assert report.inserted == len(MARRIAGES), report.rejected
    engine.dispose()
    app = create_app({
        "ARCHIVE_CODE": ARCHIVE_CODE, "ARCHIVE_NAME": "杭州市上城区档案馆",
        "DATABASE_URL": database_url, "HUB_PUBLIC_KEY": str(hub_public),
        "SIGNING_KEY": str(node_private),
    })
    with serve(app) as url:
        yield Served(url, hub_private)
