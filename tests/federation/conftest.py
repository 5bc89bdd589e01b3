"""A small federation for hub tests: three real nodes over loopback and a hub app.

张国华 (born 1952-03-04, id ZHANG_ID) was sent down to Jiangjin in 1970 and recruited in
Yongchuan in 1978 (records without ids), and married in Luzhou in 1988 (a 15-digit id).
Another 张国华, born 1960, worked in Yongchuan too: he must never join the first.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient

from federation.app import create_app as create_hub
from federation.identity import mint_clerk_token, mint_identity_token
from nodes.app import create_app as create_node
from nodes.services.importer import import_file
from nodes.storage import make_engine, upgrade_schema
from schemas.locator import LocatorKey
from schemas.signing import generate_key_pair, load_private_key
from tests.live import serve, write_csv
from tests.nodes.people import LI_ID, OTHER_ZHANG_ID, ZHANG_ID_15, marriage_row

ARCHIVES = {"510500": "泸州市档案馆", "500118": "重庆市永川区档案馆",
            "500116": "重庆市江津区档案馆"}
CATALOGUES = {
    "510500": {"marriage": [marriage_row("LZ-M-1988", husband_id_number=ZHANG_ID_15,
                                         wife_id_number=LI_ID, event_date="1988-06")]},
    "500118": {"employment": [
        {"local_id": "YC-E-1978", "event_date": "1978.10", "access": "open",
         "worker_name": "張國華", "worker_gender": "M", "worker_birth_date": "1952.3",
         "employer": "永川国营红星机械厂", "recruitment_kind": "state_owned"},
        {"local_id": "YC-E-OTHER", "event_date": "1985", "access": "open",
         "worker_name": "张国华", "worker_id_number": OTHER_ZHANG_ID, "worker_gender": "M",
         "employer": "永川县农机厂", "recruitment_kind": "collective"},
    ]},
    "500116": {"sent_down_youth": [
        {"local_id": "JJ-Z-1970", "event_date": "1970", "access": "open",
         "youth_name": "张国化", "youth_gender": "M", "youth_birth_date": "1952",
         "origin_unit": "泸州市第一中学", "dispatch_date": "1970.3",
         "destination_county": "江津县", "destination_commune": "先锋公社"},
    ]},
}


@dataclass
class Federation:
    hub: FlaskClient
    identity_key: object
    node_urls: dict[str, str]
    nodes_file: Path

    def token(self, role: str = "clerk", **claims: str) -> str:
        """A citizen's token from the identity provider, or a clerk's from the hub (all three
        roles at `archive` unless `roles` says otherwise)."""
        if role == "clerk":
            roles = claims.pop("roles", "receiving,holding,admin").split(",")
            return mint_clerk_token(self.hub_key, claims.pop("username", "clerk"),
                                    claims.pop("archive", "510500"), roles)
        return mint_identity_token(self.identity_key, role, **claims)  # type: ignore[arg-type]

    @property
    def hub_key(self):  # type: ignore[no-untyped-def]
        return self.hub.application.extensions["liancha.hub"].signing_key

    def query(self, body: dict, token: str | None = None):  # type: ignore[no-untyped-def]
        return self.hub.post("/api/v1/queries", json=body,
                             headers={"Authorization": f"Bearer {token or self.token()}"})


@contextmanager
def serve_nodes(base: Path, catalogues: dict = CATALOGUES, locator_key: LocatorKey | None = None
                ) -> Iterator[tuple[Path, dict[str, str]]]:
    """A node per archive of `catalogues` served over loopback, the hub's key pair, and the
    nodes file naming them (`base/nodes.yaml`); the servers stop on leaving. With
    `locator_key` each import builds the node's record locator."""
    generate_key_pair(base / "keys" / "hub")
    urls, entries = {}, []
    with ExitStack() as servers:
        for code, by_type in catalogues.items():
            node_private, node_public = generate_key_pair(base / "keys" / code)
            database = f"sqlite:///{base / (code + '.sqlite')}"
            engine = make_engine(database)
            upgrade_schema(engine)
            for record_type, rows in by_type.items():
                path = write_csv(base / f"{code}-{record_type}.csv", record_type, rows)
                assert not import_file(engine, record_type, path,
                                       locator_key=locator_key).rejected
            engine.dispose()
            app = create_node({"ARCHIVE_CODE": code, "ARCHIVE_NAME": ARCHIVES[code],
                               "DATABASE_URL": database, "SIGNING_KEY": node_private,
                               "HUB_PUBLIC_KEY": base / "keys" / "hub" / "public.pem"})
            urls[code] = servers.enter_context(serve(app))
            entries.append({"code": code, "name": ARCHIVES[code], "url": urls[code],
                            "public_key": str(node_public)})
        (base / "nodes.yaml").write_text(
            yaml.safe_dump({"nodes": entries}, allow_unicode=True), "utf-8")
        yield base, urls


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """Every node of CATALOGUES served over loopback, and the nodes file naming them."""
    with serve_nodes(tmp_path_factory.mktemp("federation")) as served:
        yield served


@pytest.fixture
def federation(nodes, database_url: str, tmp_path: Path) -> Federation:
    base, urls = nodes
    identity_private, identity_public = generate_key_pair(tmp_path / "identity")
    hub = create_hub({"NODES": base / "nodes.yaml", "DATABASE_URL": database_url,
                      "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                      "IDENTITY_PUBLIC_KEY": identity_public,
                      # generous: these tests are about answers, deadlines have their own
                      "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                      "CALLBACK_POLL_S": 0})  # callbacks are sent by the tests that want them
    return Federation(hub.test_client(), load_private_key(identity_private), urls,
                      base / "nodes.yaml")


def hub_with_node_down(federation: Federation, nodes: tuple, database_url: str,
                       tmp_path: Path, index: int) -> FlaskClient:
    """The same federation, except that node `index` answers nothing (a closed port)."""
    base, _ = nodes
    registry = yaml.safe_load(federation.nodes_file.read_text("utf-8"))
    registry["nodes"][index]["url"] = "http://127.0.0.1:9"
    broken = tmp_path / "nodes-broken.yaml"
    broken.write_text(yaml.safe_dump(registry, allow_unicode=True), "utf-8")
    identity_key = federation.hub.application.extensions["liancha.hub"].identity_public_key
    return create_hub({"NODES": broken, "DATABASE_URL": database_url,
                       "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                       "IDENTITY_PUBLIC_KEY": identity_key,
                       "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                       "CERTIFICATE_KEYS": tmp_path / "keys-broken",
                       "CALLBACK_POLL_S": 0}).test_client()
