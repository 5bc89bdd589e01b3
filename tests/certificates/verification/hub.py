"""A hub app with no reachable node, for tests that only need its registry and keys."""

from pathlib import Path

from flask import Flask

from federation.app import create_app
from federation.resources import verify

PUBLIC_URL = "https://liancha.example.cn"


def verifying_hub(tmp_path: Path, database_url: str, keys: dict[str, Path]) -> Flask:
    """The hub, with the verify blueprints registered unless `create_app` already does."""
    (tmp_path / "nodes.yaml").write_text(
        "nodes:\n  - {code: '510500', name: 泸州市档案馆, url: 'http://127.0.0.1:9', "
        f"public_key: '{keys['node_public']}'}}\n", "utf-8")
    app = create_app({"NODES": tmp_path / "nodes.yaml", "SIGNING_KEY": keys["hub_private"],
                      "IDENTITY_PUBLIC_KEY": keys["stranger_public"],
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                      "DATABASE_URL": database_url, "PUBLIC_URL": PUBLIC_URL})
    if verify.blp.name not in app.blueprints:
        api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
        api.register_blueprint(verify.blp)
    if verify.pages.name not in app.blueprints:
        app.register_blueprint(verify.pages)
    return app
