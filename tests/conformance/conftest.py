"""A real node, served over loopback in a background thread, for the conformance checks."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import serve, write_csv

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
