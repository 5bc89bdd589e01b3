"""The fan-out against a real archive node (nodes.app) served over loopback HTTP: the node
checks the hub's token, searches its catalogue and signs its answer; the hub verifies it."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from federation.registry import NodeEntry
from nodes.app import create_app
from nodes.services.importer import import_file
from nodes.storage import make_engine, upgrade_schema
from schemas.signing import generate_key_pair, load_private_key, load_public_key, public_jwk
from tests.federation.fanout.conftest import search_request
from tests.nodes.conftest import write_standard_csv
from tests.nodes.people import marriage_row

CODE, NAME = "510500", "泸州市档案馆"


@pytest.fixture
def real_node(tmp_path: Path) -> Iterator[tuple[NodeEntry, Path]]:
    hub_private, hub_public = generate_key_pair(tmp_path / "hub")
    node_private, node_public = generate_key_pair(tmp_path / "node")
    database_url = f"sqlite:///{tmp_path / 'node.sqlite'}"
    engine = make_engine(database_url)
    upgrade_schema(engine)
    catalogue = write_standard_csv(tmp_path / "marriage.csv", "marriage",
                                   [marriage_row("M-0045")])
    assert import_file(engine, "marriage", catalogue).inserted == 1
    engine.dispose()
    app = create_app({"ARCHIVE_CODE": CODE, "ARCHIVE_NAME": NAME, "DATABASE_URL": database_url,
                      "HUB_PUBLIC_KEY": hub_public, "SIGNING_KEY": node_private})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    public = load_public_key(node_public)
    entry = NodeEntry(CODE, NAME, f"http://127.0.0.1:{server.server_port}",
                      {public_jwk(public)["kid"]: public})
    yield entry, hub_private
    server.shutdown()
    server.server_close()


def test_a_real_node_answers_ok_with_its_record_twice_over_one_connection(real_node, fanout):
    entry, hub_private = real_node
    hub = fanout([entry], hub_key=load_private_key(hub_private), default_deadline_s=3.0,
                 overall_deadline_s=3.0)
    for _ in range(2):  # a fresh token per call: the node refuses replayed jtis
        request = search_request(record_types=["marriage"])
        request["subject"] = {"name": "张国华", "birth_date": "1952"}
        outcome = hub.search(request)[0]
        assert (outcome.status, outcome.error, outcome.count) == ("ok", None, 1), outcome.error
        assert outcome.records[0]["record_id"] == f"{CODE}/marriage/M-0045"
        assert outcome.records[0]["match"]["score"] > 0
        assert outcome.evidence.body.startswith(b"{")
