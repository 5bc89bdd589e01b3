"""Real nodes over loopback and a hub for the observability tests, and reading what they
expose: Prometheus samples and log records rendered the way the JSON handler renders them.
"""

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from federation.app import create_app as create_hub
from runtime.logs import formatter
from schemas.signing import generate_key_pair, load_private_key
from tests.federation.conftest import Federation, serve_nodes


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    with serve_nodes(tmp_path_factory.mktemp("observed")) as served:
        yield served


@pytest.fixture
def federation(nodes, database_url: str, tmp_path: Path) -> Federation:
    base, urls = nodes
    identity_private, identity_public = generate_key_pair(tmp_path / "identity")
    hub = create_hub({"NODES": base / "nodes.yaml", "DATABASE_URL": database_url,
                      "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                      "IDENTITY_PUBLIC_KEY": identity_public, "LOG_FORMAT": "json",
                      "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                      "CALLBACK_POLL_S": 0})
    return Federation(hub.test_client(), load_private_key(identity_private), urls,
                      base / "nodes.yaml")


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """{(sample name, labels): value} of a Prometheus text exposition."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def json_lines(records: list[logging.LogRecord]) -> list[dict]:
    """The records as the JSON log handler writes them, parsed back."""
    render = formatter("json")
    return [json.loads(render.format(record)) for record in records]
