"""Every address the README and docs/ give (`GET /api/v1/...`) is one the hub or a node
really serves, with the method given: a newcomer who copies one reaches something."""

import re
from pathlib import Path

import pytest

from federation.app import create_app as create_hub
from nodes.app import create_app as create_node
from schemas.signing import generate_key_pair

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# addresses written in full; the tables of docs/permissions.md and the national platform's
# guide give them relative to a surface's prefix, named beside them
FULL = ("/api/", "/mobile/", "/kiosk/", "/clerk/", "/national/", "/v1/", "/v/", "/.well-known/",
        "/healthz", "/readyz", "/metrics", "/workbench/")
MENTION = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)")


def documented() -> list[tuple[str, str, str]]:
    found = []
    for document in DOCUMENTS:
        for method, path in MENTION.findall(document.read_text("utf-8")):
            if path.startswith(FULL) and "..." not in path:
                found.append((document.name, method, path))
    return found


def served(app) -> list[tuple[set[str], re.Pattern[str]]]:  # type: ignore[no-untyped-def]
    rules = []
    for rule in app.url_map.iter_rules():
        pattern = re.sub(r"<(?:[^:>]+:)?[^>]+>", "[^/]+", re.escape(rule.rule)
                         .replace(r"\<", "<").replace(r"\>", ">"))
        rules.append((set(rule.methods or ()), re.compile(pattern + "$")))
    return rules


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("apps")
    hub_private, _ = generate_key_pair(base / "hub")
    node_private, node_public = generate_key_pair(base / "node")
    _, identity_public = generate_key_pair(base / "identity")
    (base / "nodes.yaml").write_text(
        f"nodes:\n  - {{code: '510500', name: 泸州市档案馆, url: 'http://127.0.0.1:9', "
        f"public_key: '{node_public}'}}\n", "utf-8")
    hub = create_hub({"NODES": base / "nodes.yaml", "SIGNING_KEY": hub_private,
                      "IDENTITY_PUBLIC_KEY": identity_public,
                      "CERTIFICATE_KEYS": base / "certificate-keys",
                      "DATABASE_URL": f"sqlite:///{base / 'h.sqlite'}"})
    node = create_node({"ARCHIVE_CODE": "510500", "ARCHIVE_NAME": "泸州市档案馆",
                        "DATABASE_URL": f"sqlite:///{base / 'n.sqlite'}",
                        "HUB_PUBLIC_KEY": base / "hub" / "public.pem",
                        "SIGNING_KEY": node_private})
    return served(hub) + served(node)


def test_the_docs_name_addresses(apps):
    assert len(documented()) >= 20


@pytest.mark.parametrize("where, method, path", documented())
def test_a_documented_address_is_served(apps, where, method, path):
    concrete = re.sub(r"<[^>]+>|\{[^}]+\}", "X1", path.split("?")[0])
    assert any(method in methods and pattern.match(concrete) for methods, pattern in apps), (
        f"{where}: {method} {path} is not served")
