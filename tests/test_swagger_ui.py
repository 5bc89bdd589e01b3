"""The API docs as a person sees them: Swagger UI rendered by a real headless Chromium."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from federation.app import create_app as create_hub
from nodes.app import create_app as create_node
from schemas.signing import generate_key_pair
from tests.live import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and os.environ.get("CI") == "true":
    raise RuntimeError("CI needs chromium: scripts/system-packages.sh installs it")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


def rendered_dom(url: str, profile: Path) -> str:
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=10000",
         "--dump-dom", url],
        capture_output=True, text=True, timeout=90,
    )
    return done.stdout


def test_node_and_hub_docs_render_their_operations(tmp_path: Path):
    hub_private, hub_public = generate_key_pair(tmp_path / "hub")
    node_private, node_public = generate_key_pair(tmp_path / "node")
    _, identity_public = generate_key_pair(tmp_path / "identity")
    (tmp_path / "nodes.yaml").write_text(
        f"nodes:\n  - {{code: '510500', name: 泸州市档案馆, url: 'http://127.0.0.1:9', "
        f"public_key: '{node_public}'}}\n", "utf-8")
    node = create_node({"ARCHIVE_CODE": "510500", "ARCHIVE_NAME": "泸州市档案馆",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'n.sqlite'}",
                        "HUB_PUBLIC_KEY": hub_public, "SIGNING_KEY": node_private})
    hub = create_hub({"NODES": tmp_path / "nodes.yaml", "SIGNING_KEY": hub_private,
                      "IDENTITY_PUBLIC_KEY": identity_public,
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite'}"})
    with serve(node) as node_url, serve(hub) as hub_url:
        node_dom = rendered_dom(f"{node_url}/docs", tmp_path / "profile-node")
        hub_dom = rendered_dom(f"{hub_url}/docs", tmp_path / "profile-hub")
    for dom in (node_dom, hub_dom):
        assert "swagger-ui" in dom
        assert "Unable to render" not in dom
    assert "/v1/search" in node_dom and "/v1/service-info" in node_dom
    assert "/api/v1/queries" in hub_dom and "Authorize" in hub_dom
