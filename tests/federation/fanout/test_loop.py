"""The fan-out's event loop keeps nothing of the requests that use it: a hub app that ran
queries is freed once dropped (its database pool with it). The loop's handles and tasks
keep the context they are made in; made in a request thread's, they kept its Flask app,
and a test suite making many apps ran PostgreSQL out of connections."""

import gc
import weakref
from pathlib import Path

import yaml

from federation.app import create_app
from federation.identity import mint_clerk_token
from schemas.signing import generate_key_pair, public_pem
from tests.federation.fanout.fakes import FakeNode


def test_a_hub_that_ran_queries_is_freed_once_dropped(tmp_path: Path) -> None:
    node = FakeNode("510500", "泸州市档案馆", "ok")
    hub_private, _ = generate_key_pair(tmp_path / "hub")
    _, identity_public = generate_key_pair(tmp_path / "identity")
    entry = node.entry()
    (tmp_path / "node.pem").write_bytes(public_pem(next(iter(entry.keys.values()))))
    (tmp_path / "nodes.yaml").write_text(yaml.safe_dump({"nodes": [
        {"code": entry.code, "name": entry.name, "url": entry.url,
         "public_key": str(tmp_path / "node.pem")}]}, allow_unicode=True), "utf-8")
    try:
        freed = []
        for index in range(2):  # the first app also starts the process's loop
            app = create_app({"NODES": tmp_path / "nodes.yaml", "SIGNING_KEY": hub_private,
                              "IDENTITY_PUBLIC_KEY": identity_public, "CALLBACK_POLL_S": 0,
                              "DATABASE_URL": f"sqlite:///{tmp_path / f'hub{index}.sqlite'}",
                              "CERTIFICATE_KEYS": tmp_path / "certificate-keys"})
            token = mint_clerk_token(app.extensions["liancha.hub"].signing_key, "clerk",
                                     "510500", ["holding"])
            answer = app.test_client().post(
                "/api/v1/queries", json={"subject": {"name": "张国华"}, "purpose": "测试"},
                headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200 and answer.json["nodes"][0]["status"] == "ok"
            freed.append(weakref.ref(app))
            del app, answer
        gc.collect()
        assert [ref() is None for ref in freed] == [True, True]
    finally:
        node.stop()
