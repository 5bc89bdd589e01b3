"""Real nodes, served over loopback in background threads, for the conformance checks.

Three catalogues: two marriages naming 张伟 (the first name the checker tries when it looks
for a subject), none at all, and one whose only common name is 王秀英 (the tenth tried),
so that what the checker finds by itself, and what it says when it finds nothing, is seen.
"""

from collections.abc import Iterator
from contextlib import contextmanager
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
#: 王秀英's id number (valid: generator.people.id_number("330102", (1956, 4, 3), 122))
WANG_XIUYING_ID = "330102195604031228"
UNCOMMON_MARRIAGES = [
    {"local_id": "U-1", "event_date": "1981", "access": "open",
     "registration_kind": "marriage", "husband_name": "欧阳修远", "wife_name": "司马玉"},
]
EMPLOYMENTS = [
    {"local_id": "E-7", "event_date": "1976-09", "access": "open",
     "worker_name": "王秀英", "worker_id_number": WANG_XIUYING_ID, "worker_gender": "F",
     "employer": "杭州丝绸厂", "recruitment_kind": "state_owned"},
]


@dataclass(frozen=True)
class Served:
    url: str
    hub_key: Path


@contextmanager
def _node(base: Path, catalogues: dict[str, list[dict[str, str]]]) -> Iterator[Served]:
    """Our node holding `catalogues` (record type -> CSV rows), trusting a fresh hub key."""
    from nodes.app import create_app
    from nodes.services.importer import import_file
    from nodes.storage import make_engine, upgrade_schema
    from schemas.signing import generate_key_pair

    hub_private, hub_public = generate_key_pair(base / "hub")
    node_private, _ = generate_key_pair(base / "node")
    database_url = f"sqlite:///{base / 'node.sqlite'}"
    engine = make_engine(database_url)
    upgrade_schema(engine)
    for record_type, rows in catalogues.items():
        report = import_file(engine, record_type,
                             write_csv(base / f"{record_type}.csv", record_type, rows))
        assert report.inserted == len(rows), report.rejected
    engine.dispose()
    app = create_app({
        "ARCHIVE_CODE": ARCHIVE_CODE, "ARCHIVE_NAME": "杭州市上城区档案馆",
        "DATABASE_URL": database_url, "HUB_PUBLIC_KEY": str(hub_public),
        "SIGNING_KEY": str(node_private),
    })
    with serve(app) as url:
        yield Served(url, hub_private)


@pytest.fixture(scope="session")
def live_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Our node with two marriage records, both naming 张伟."""
    with _node(tmp_path_factory.mktemp("node"), {"marriage": MARRIAGES}) as served:
        yield served


@pytest.fixture(scope="session")
def empty_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Our node before any import: nobody to search for."""
    with _node(tmp_path_factory.mktemp("empty-node"), {}) as served:
        yield served


@pytest.fixture(scope="session")
def wang_xiuying_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Our node with no 张伟: only 王秀英 (with a valid id number) bears a common name."""
    catalogues = {"marriage": UNCOMMON_MARRIAGES, "employment": EMPLOYMENTS}
    with _node(tmp_path_factory.mktemp("wang-node"), catalogues) as served:
        yield served
