"""Schemathesis against every OpenAPI document of the hub and the node: no server error,
and no answer that breaks its own document.

The hub is `permission_world`'s, on PostgreSQL over three real nodes on loopback, so each
of its five documents (the hub API with verification, the app, the kiosk, the clerks, the
national platform) is called by a caller of its own kind with valid credentials and
reaches the real handlers: the hub API as Luzhou's admin clerk, the app as the citizen
张国华, the kiosk in his session at a Luzhou kiosk (a fresh session for `finish`), the
clerks' API as Luzhou's admin (Yongchuan's holding clerk for `search` and `assist`, which
only a holding archive may do), the national API as the platform client. The node's
document is fuzzed on a Luzhou node on PostgreSQL, with a fresh hub token per call (a node
refuses a replayed `jti`), and so is the node API a hub serves to an upper hub (`/v1/...`
of a regional hub over the three nodes, started with the upper hub's key), with a fresh
upper-hub token per call. Besides what schemathesis generates, path parameters are set to
the world's real queries, certificates, requests and records, and each operation is also
sent the permission test's successful call, and generated bodies laid over it
(`tests/faults/fuzzing.py`). Not fuzzed, being in no document: `/healthz`, `/readyz`,
`/metrics`, the verification and workbench pages, the kiosk page.

Checks on every answer: `not_a_server_error` (an exception in the app counts as one),
`response_schema_conformance`, `content_type_conformance`, `response_headers_conformance`,
`status_code_conformance`, and `status_documented_explicitly`: flask-smorest gives every
operation a `default` (problem+json) response, with which schemathesis'
`status_code_conformance` lets any status through, so the test also requires the status
to be listed. No check is left out for any operation: the PDF answers are documented as
`application/pdf` binary strings, which the content-type check holds them to and the
schema check does not parse.

Hypothesis runs derandomized (the same cases every run), `MAX_EXAMPLES` per operation,
without shrinking, deadline or example database; its health checks are off (the
strategies are schemathesis', and a slow fan-out is not a fault here). The test fails
listing every operation that failed, once per kind of failure, with a request that
reproduces it, and prints per document the operations and cases run, by status.
"""

import time
from collections.abc import Callable, Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from schemathesis import APIOperation

from federation.app import create_app as create_hub
from nodes.app import create_app as create_node
from nodes.services.importer import import_file
from nodes.storage import make_engine, upgrade_schema
from schemas.signing import generate_key_pair, load_private_key, mint_hub_token
from tests.faults.fuzzing import Coverage, Surface, fuzz
from tests.federation.conftest import ARCHIVES, CATALOGUES, serve_nodes
from tests.federation.permission_world import (
    ADMIN,
    CITIZEN,
    DOCUMENTS,
    HOLDING,
    KIOSK,
    MARRIAGE,
    NATIONAL,
    OPERATIONS,
    RECEIVING,
    World,
    build_world,
    close_world,
    module_database,
)
from tests.live import write_csv

MAX_EXAMPLES = 120  # per operation, over all its kinds of cases


@pytest.fixture(scope="module")
def world(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("fuzz")
    with serve_nodes(base / "nodes") as (nodes_base, _), module_database(base) as database:
        built = build_world(nodes_base, base, database)
        yield built
        close_world(built)


@pytest.fixture(scope="module")
def hub(world: World) -> list[Surface]:
    """Each of the hub's documents, called by a caller of its own kind."""

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def kiosk(operation: APIOperation) -> dict[str, str]:
        if operation.path.endswith("/sessions/finish"):  # ends the session: a fresh one
            return bearer(world.kiosk_session("LZ-HALL-02"))
        return bearer(world.tokens[KIOSK])

    def clerk_for(path: str) -> str:  # only a holding archive searches and assists
        return HOLDING if path.endswith(("/search", "/assist")) else ADMIN

    def clerk(operation: APIOperation) -> dict[str, str]:
        if operation.path.endswith("/logout"):  # ends the token: a fresh one each time
            return OPERATIONS[("POST", "/clerk/api/v1/logout")](world, ADMIN).headers
        return bearer(world.tokens[clerk_for(operation.path)])

    def valid(prefix: str, caller: Callable[[str], str]) -> dict[str, tuple[dict, dict]]:
        """The permission test's call of each JSON operation under `prefix` that succeeds
        for the surface's caller (fresh objects where the call changes its object)."""
        found = {}
        for (method, path), build in OPERATIONS.items():
            if path.startswith(prefix):
                call = build(world, caller(path))
                if call.json is not None:
                    found[f"{method} {path}"] = (call.params, call.json)
        return found

    certificates = world.certificates
    # the national request (completed), one accepted and one answered (Yongchuan's part
    # pending, then done), one only applied for
    requests = [world.request_no, world.accepted_no, world.fresh_answered(),
                world.fresh_applied()]
    return [
        Surface("hub /openapi.json", world.app, "/openapi.json",
                lambda _: bearer(world.tokens[ADMIN]),
                {"query_id": [world.queries[RECEIVING]],
                 "certificate_no": [certificates["citizen"], world.fresh_certificate()]},
                valid("/api/v1", lambda _: ADMIN)),
        Surface("hub /mobile/openapi.json", world.app, "/mobile/openapi.json",
                lambda _: bearer(world.tokens[CITIZEN]),
                {"query_id": [world.queries[CITIZEN]],
                 "certificate_no": [certificates["citizen"], certificates["request"]],
                 "request_no": [world.request_no]},
                valid("/mobile/", lambda _: CITIZEN)),
        Surface("hub /kiosk/openapi.json", world.app, "/kiosk/openapi.json", kiosk,
                {"certificate_no": [certificates["kiosk"]]},
                valid("/kiosk/", lambda _: KIOSK)),
        Surface("hub /clerk/openapi.json", world.app, "/clerk/openapi.json", clerk,
                {"request_no": requests}, valid("/clerk/", clerk_for)),
        Surface("hub /national/openapi.json", world.app, "/national/openapi.json",
                lambda _: bearer(world.tokens[NATIONAL]),
                {"request_no": [world.request_no],
                 "certificate_no": [certificates["request"]]},
                valid("/national/", lambda _: NATIONAL)),
    ]


@pytest.fixture(scope="module")
def node(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Surface]:
    """Luzhou's node on PostgreSQL with its catalogue, called as the hub calls it."""
    base = tmp_path_factory.mktemp("fuzz-node")
    hub_private, hub_public = generate_key_pair(base / "hub")
    node_private, _ = generate_key_pair(base / "node")
    with module_database(base) as database:
        engine = make_engine(database)
        upgrade_schema(engine)
        for record_type, rows in CATALOGUES["510500"].items():
            path = write_csv(base / f"{record_type}.csv", record_type, rows)
            assert not import_file(engine, record_type, path).rejected
        engine.dispose()
        app = create_node({"ARCHIVE_CODE": "510500", "ARCHIVE_NAME": ARCHIVES["510500"],
                           "DATABASE_URL": database, "SIGNING_KEY": node_private,
                           "HUB_PUBLIC_KEY": hub_public})
        yield _called_as_by_a_hub("node /openapi.json", app, load_private_key(hub_private),
                                  "510500")
        app.extensions["liancha.db"].engine.dispose()


@pytest.fixture(scope="module")
def hub_as_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Surface]:
    """A regional hub's node API (`/v1/...`), called as its upper hub calls it."""
    base = tmp_path_factory.mktemp("fuzz-hub-as-node")
    upper_private, upper_public = generate_key_pair(base / "upper")
    _, identity_public = generate_key_pair(base / "identity")
    with serve_nodes(base / "nodes") as (nodes_base, _):
        app = create_hub({"NODES": nodes_base / "nodes.yaml",
                          "DATABASE_URL": f"sqlite:///{base / 'hub.sqlite'}",
                          "SIGNING_KEY": nodes_base / "keys" / "hub" / "private.pem",
                          "IDENTITY_PUBLIC_KEY": identity_public,
                          "CERTIFICATE_KEYS": base / "certificate-keys", "CALLBACK_POLL_S": 0,
                          "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                          "UPPER_HUB_PUBLIC_KEY": upper_public, "HUB_CODE": "510000",
                          "HUB_NAME": "四川片区"})
        yield _called_as_by_a_hub("regional hub /openapi.json, /v1", app,
                                  load_private_key(upper_private), "510000", under="/v1/")
        app.extensions["liancha.db"].engine.dispose()


def _called_as_by_a_hub(name: str, app: Flask, key: Ed25519PrivateKey, audience: str,
                        under: str = "/") -> Surface:
    """The node API of `app` (a node's, or a hub's to its upper hub), called with a fresh
    token of `key` per call (a replayed `jti` is refused)."""
    return Surface(name, app, "/openapi.json",
                   lambda _: {"Authorization": "Bearer "
                              + mint_hub_token(key, audience, "fuzz: conformance")},
                   {"record_id": [MARRIAGE]},
                   {"POST /v1/search": ({}, {"subject": {"name": "张国华"},
                                             "purpose": "fuzz", "request_id": "fuzz-1"})},
                   under=under)


def test_every_document_the_hub_serves_is_fuzzed(world: World, hub: list[Surface]) -> None:
    served = {rule.rule for rule in world.app.url_map.iter_rules()
              if rule.rule.endswith("/openapi.json")}
    assert served == DOCUMENTS == {surface.document for surface in hub}


def test_every_operation_keeps_its_document(hub: list[Surface], node: Surface,
                                            hub_as_node: Surface,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    report, failures = [], []
    for surface in [*hub, node, hub_as_node]:
        started = time.perf_counter()
        coverage: Coverage = fuzz(surface, MAX_EXAMPLES)
        report.append(f"{coverage.line(surface)} in {time.perf_counter() - started:.1f} s")
        for operation, found in coverage.failures.items():
            for kind, detail in found.items():
                failures.append(f"== {surface.name} {operation}: {kind}\n{detail}")
    with capsys.disabled():  # the coverage, passing or not
        print("\n" + "\n".join(report))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(report) + "\n\n" \
        + "\n\n".join(failures)
