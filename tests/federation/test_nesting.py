"""Hubs nest: an upper hub asks two regional hubs (`kind: hub`), each serving the node API
over real HTTP for its own archives, and assembles one person from archives under both.

Luzhou (510500) is under the Sichuan hub; Yongchuan (500118) and Jiangjin (500116) under
the Chongqing hub. 张国华's records are in all three (tests/federation/conftest.py).
"""

import logging
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import jwt
import orjson
import pytest
import yaml
from flask import Config

from federation.app import create_app as create_hub
from federation.config import hub_settings, read_config
from federation.fanout.lower_hubs import archives_below
from federation.identity import mint_clerk_token
from federation.models import NodeAnswer
from federation.registry import NodeEntry
from federation.upward.service import budget_s
from schemas.locator import LocatorKey
from schemas.nesting import HubSearchAnswerSchema
from schemas.signing import generate_key_pair, mint_hub_token
from tests.federation.conftest import CATALOGUES, serve_nodes
from tests.live import serve
from tests.nodes.people import LI_ID, ZHANG_ID

SECRET = bytes(range(7, 39))
REGIONS = {"510000": ("四川省档案查询中心", ("510500",)),
           "500000": ("重庆市档案查询中心", ("500118", "500116"))}


def _regional_hub(base: Path, code: str, name: str, upper_public: Path,
                  database_url: str, **config: object):  # type: ignore[no-untyped-def]
    _, identity_public = generate_key_pair(base / "identity")
    return create_hub({"NODES": base / "nodes.yaml", "DATABASE_URL": database_url,
                       "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                       "IDENTITY_PUBLIC_KEY": identity_public, "CERTIFICATE_KEYS":
                       base / "certificate-keys", "CALLBACK_POLL_S": 0,
                       "NODE_DEADLINE_S": 8.0, "OVERALL_DEADLINE_S": 10.0,
                       "UPPER_HUB_PUBLIC_KEY": upper_public, "HUB_CODE": code,
                       "HUB_NAME": name, **config})


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Two regional hubs over loopback, each over its own nodes; the upper hub's key pair
    and nodes file (`kind: hub` entries)."""
    root = tmp_path_factory.mktemp("nested")
    (root / "locator.key").write_text(SECRET.hex() + "\n")
    upper_private, upper_public = generate_key_pair(root / "keys" / "upper")
    entries, regional = [], {}
    with ExitStack() as stack:
        for code, (name, archives) in REGIONS.items():
            base = root / code
            base.mkdir()
            stack.enter_context(serve_nodes(base, {a: CATALOGUES[a] for a in archives},
                                            locator_key=LocatorKey(SECRET)))
            app = _regional_hub(base, code, name, upper_public,
                                f"sqlite:///{base / 'hub.sqlite'}",
                                LOCATOR_KEY=root / "locator.key")
            for archive in archives:  # now, rather than in the background
                assert app.extensions["liancha.fanout"].locators.refresh(archive)
            url = stack.enter_context(serve(app))
            regional[code] = (app, url, base)
            entries.append({"code": code, "name": name, "kind": "hub", "url": url,
                            "public_key": str(base / "keys" / "hub" / "public.pem")})
        (root / "nodes.yaml").write_text(yaml.safe_dump({"nodes": entries},
                                                        allow_unicode=True), "utf-8")
        yield {"root": root, "regional": regional, "upper_private": upper_private}


def _upper(nested: dict, database_url: str, tmp_path: Path,  # type: ignore[no-untyped-def]
           **config: object):
    _, identity_public = generate_key_pair(tmp_path / "identity")
    return create_hub({"NODES": nested["root"] / "nodes.yaml", "DATABASE_URL": database_url,
                       "SIGNING_KEY": nested["upper_private"],
                       "IDENTITY_PUBLIC_KEY": identity_public,
                       "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                       "CALLBACK_POLL_S": 0, "NODE_DEADLINE_S": 12.0,
                       "OVERALL_DEADLINE_S": 15.0, **config})


def _query(app, subject: dict) -> dict:  # type: ignore[no-untyped-def]
    key = app.extensions["liancha.hub"].signing_key
    token = mint_clerk_token(key, "clerk", "510500", ["holding", "admin"])
    answer = app.test_client().post("/api/v1/queries", json={
        "subject": subject, "purpose": "退休工龄认定"},
        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_top_assembles_a_person_from_archives_under_both_hubs(nested, database_url,
                                                                   tmp_path) -> None:
    upper = _upper(nested, database_url, tmp_path)
    answer = _query(upper, {"name": "张国华", "id_number": ZHANG_ID})
    statuses = {n["archive"]["code"]: (n["status"], [v["code"] for v in n.get("via", [])])
                for n in answer["nodes"]}
    assert statuses == {"510500": ("ok", ["510000"]), "500118": ("ok", ["500000"]),
                        "500116": ("ok", ["500000"])}
    assert answer["complete"] is True
    person = answer["persons"][0]
    assert {r["record_id"].split("/")[0] for r in person["records"]} == {
        "510500", "500118", "500116"}
    # each archive's own signed answer is kept as the evidence, not the regional hub's
    with upper.extensions["liancha.db"].session() as session:  # closed: no lock held after
        rows = session.query(NodeAnswer).filter_by(query_id=answer["query_id"]).all()
        kept = {row.archive_code: orjson.loads(row.body)["archive"]["code"] for row in rows}
    assert kept == {"510500": "510500", "500118": "500118", "500116": "500116"}


def test_a_regional_hub_publishes_its_archives_locators_and_is_not_asked_on_them(
        nested, database_url, tmp_path, caplog) -> None:
    upper = _upper(nested, database_url, tmp_path,
                   LOCATOR_KEY=nested["root"] / "locator.key")
    book = upper.extensions["liancha.fanout"].locators
    assert book.refresh("510000") and book.refresh("500000")
    with caplog.at_level(logging.INFO):
        answer = _query(upper, {"name": "李秀英", "id_number": LI_ID})  # only in Luzhou
    statuses = {n["archive"]["code"]: (n["status"], n.get("kind")) for n in answer["nodes"]}
    assert statuses == {"510500": ("ok", None), "500000": ("not_held", "hub")}
    assert answer["complete"] is True
    asked = [r for r in caplog.records if r.getMessage().startswith("POST /v1/search")]
    assert len(asked) == 2  # the Sichuan hub, and its Luzhou node: no call to Chongqing
    # a regional hub without every archive's fresh locator publishes none: it is asked
    app, _, _ = nested["regional"]["500000"]
    token = mint_hub_token(_load(nested["upper_private"]), "500000", "locator refresh")
    with_all = app.test_client().get("/v1/locator",
                                     headers={"Authorization": f"Bearer {token}"})
    assert with_all.status_code == 200 and len(with_all.json["filters"]) == 2
    app.extensions["liancha.fanout"].locators._held.pop("500116")
    token = mint_hub_token(_load(nested["upper_private"]), "500000", "locator refresh")
    without = app.test_client().get("/v1/locator", headers={"Authorization": f"Bearer {token}"})
    assert without.status_code == 404
    # asking for it has the hub fetch the missing one again, without a query passing by
    deadline = time.monotonic() + 10
    while "500116" not in app.extensions["liancha.fanout"].locators._held:
        assert time.monotonic() < deadline, "the missing locator was not fetched again"
        time.sleep(0.05)
    token = mint_hub_token(_load(nested["upper_private"]), "500000", "locator refresh")
    again = app.test_client().get("/v1/locator", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200 and len(again.json["filters"]) == 2


def test_a_dead_archive_below_makes_the_answer_incomplete(nested, database_url,
                                                          tmp_path) -> None:
    _, _, base = nested["regional"]["500000"]
    registry = yaml.safe_load((base / "nodes.yaml").read_text("utf-8"))
    registry["nodes"][0]["url"] = "http://127.0.0.1:9"  # Yongchuan's node is down
    (base / "broken.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True), "utf-8")
    broken = _regional_hub(base, "500000", "重庆市档案查询中心",
                           nested["root"] / "keys" / "upper" / "public.pem",
                           f"sqlite:///{tmp_path / 'broken-hub.sqlite'}",
                           NODES=base / "broken.yaml")
    with serve(broken) as url:
        registry = yaml.safe_load((nested["root"] / "nodes.yaml").read_text("utf-8"))
        registry["nodes"][1]["url"] = url
        (tmp_path / "nodes.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True))
        nested_broken = dict(nested, root=tmp_path)
        (tmp_path / "keys").symlink_to(nested["root"] / "keys")
        answer = _query(_upper(nested_broken, database_url, tmp_path / "u"),
                        {"name": "张国华", "id_number": ZHANG_ID})
    statuses = {n["archive"]["code"]: n["status"] for n in answer["nodes"]}
    assert statuses == {"510500": "ok", "500118": "error", "500116": "ok"}
    assert answer["complete"] is False


def test_a_regional_hub_that_does_not_answer_is_one_entry_of_kind_hub(nested, database_url,
                                                                       tmp_path) -> None:
    registry = yaml.safe_load((nested["root"] / "nodes.yaml").read_text("utf-8"))
    registry["nodes"][1]["url"] = "http://127.0.0.1:9"
    (tmp_path / "nodes.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True))
    (tmp_path / "keys").symlink_to(nested["root"] / "keys")
    answer = _query(_upper(dict(nested, root=tmp_path), database_url, tmp_path / "u"),
                    {"name": "张国华", "id_number": ZHANG_ID})
    down = [n for n in answer["nodes"] if n["archive"]["code"] == "500000"]
    assert down and down[0]["kind"] == "hub" and down[0]["status"] == "error"
    assert answer["complete"] is False


def test_the_node_api_of_a_hub_takes_only_the_upper_hubs_token_once(nested) -> None:
    app, _, _ = nested["regional"]["500000"]
    client = app.test_client()
    body = {"subject": {"name": "张国华"}, "purpose": "退休工龄认定", "request_id": "r-1"}
    assert client.post("/v1/search", json=body).status_code == 401
    # a token of another key (e.g. the regional hub's own, as it gives its nodes)
    own = app.extensions["liancha.hub"].signing_key
    stranger = mint_hub_token(own, "500000", "退休工龄认定")
    assert client.post("/v1/search", json=body,
                       headers={"Authorization": f"Bearer {stranger}"}).status_code == 401
    token = mint_hub_token(_load(nested["upper_private"]), "500000", "退休")
    first = client.post("/v1/search", json=body, headers={"Authorization": f"Bearer {token}"})
    assert first.status_code == 200, first.json
    assert first.json["kind"] == "hub" and len(first.json["evidence"]) == 2
    assert HubSearchAnswerSchema().validate(first.json) == {}  # as the standard says
    assert first.headers["Liancha-Signature"]
    replay = client.post("/v1/search", json=body, headers={"Authorization": f"Bearer {token}"})
    assert replay.status_code == 401 and "replayed" in replay.json["detail"]
    info = client.get("/v1/service-info").json
    assert info["kind"] == "hub" and [a["code"] for a in info["archives"]] == [
        "500118", "500116"]


def test_an_altered_relayed_answer_is_an_error_not_records(nested) -> None:
    """The regional hub's signature covers its answer; an archive's part must still carry
    the archive's own signature over its own text."""
    app, _, _ = nested["regional"]["500000"]
    token = mint_hub_token(_load(nested["upper_private"]), "500000", "退休")
    answer = app.test_client().post(
        "/v1/search", json={"subject": {"name": "张国华"}, "purpose": "退休",
                            "request_id": "r-2"},
        headers={"Authorization": f"Bearer {token}"}).json
    hub = NodeEntry("500000", "重庆市档案查询中心", "http://x", {}, kind="hub")
    honest = archives_below(hub, answer, "r-2")
    assert [o.status for o in honest] == ["ok", "ok"] and honest[0].records
    forged = orjson.loads(orjson.dumps(answer))
    relayed = orjson.loads(forged["evidence"][0]["body"])
    relayed["records"][0]["event_date"] = "1999"  # a record made to say something else
    forged["evidence"][0]["body"] = orjson.dumps(relayed).decode()
    outcomes = archives_below(hub, forged, "r-2")
    assert outcomes[0].status == "error" and not outcomes[0].records
    assert "signature" in outcomes[0].error
    assert archives_below(hub, answer, "r-other")[0].status == "error"  # another request
    missing = dict(answer, evidence=answer["evidence"][1:])
    assert archives_below(hub, missing, "r-2")[0].status == "error"


@pytest.mark.parametrize(("given_ms", "expected_s"), [
    (None, 10.0), ("", 10.0), ("junk", 10.0), ("-5", 10.0),
    ("12000", 10.0),  # more than its own deadline: its own
    ("6000", 5.0),  # a sixth kept to answer
    ("600", 0.45),  # at least 150 ms kept
    ("100", 0.0)])
def test_deadlines_shrink_on_the_way_down(given_ms, expected_s, tmp_path) -> None:
    config = Config(str(tmp_path))
    private, public = generate_key_pair(tmp_path / "k")
    (tmp_path / "nodes.yaml").write_text(yaml.safe_dump({"nodes": [
        {"code": "510500", "name": "x", "url": "http://x", "public_key": str(public)}]}))
    read_config(config, {"NODES": tmp_path / "nodes.yaml", "SIGNING_KEY": private,
                         "IDENTITY_PUBLIC_KEY": public, "CERTIFICATE_KEYS": tmp_path,
                         "OVERALL_DEADLINE_S": 10.0})
    assert budget_s(hub_settings(config), given_ms) == pytest.approx(expected_s)


def test_the_regional_hubs_calls_are_audited_with_their_purpose(nested, caplog) -> None:
    app, _, _ = nested["regional"]["510000"]
    token = mint_hub_token(_load(nested["upper_private"]), "510000", "继承公证")
    with caplog.at_level(logging.INFO, logger="liancha.node.access"):
        answer = app.test_client().post(
            "/v1/search", json={"subject": {"name": "李秀英"}, "purpose": "继承公证",
                                "request_id": "r-3"},
            headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    from federation.audit import AuditEvent

    with app.extensions["liancha.db"].session() as session:
        event = session.query(AuditEvent).filter_by(action="query.relayed",
                                                    target="r-3").one()
    assert event.purpose == "继承公证" and event.role == "upper_hub"
    assert jwt.decode(token, options={"verify_signature": False})["jti"] in event.detail


def _load(path: Path):  # type: ignore[no-untyped-def]
    from schemas.signing import load_private_key

    return load_private_key(path)


def test_a_record_by_id_comes_with_its_archives_signed_answer(nested) -> None:
    from schemas.signing import key_from_jwk, verify_body

    app, _, _ = nested["regional"]["510000"]
    client = app.test_client()

    def get(record_id: str):  # type: ignore[no-untyped-def]
        token = mint_hub_token(_load(nested["upper_private"]), "510000", "继承公证")
        return client.get(f"/v1/records/{record_id}",
                          headers={"Authorization": f"Bearer {token}"})

    answer = get("510500/marriage/LZ-M-1988")
    assert answer.status_code == 200, answer.json
    assert answer.json["record"]["record_id"] == "510500/marriage/LZ-M-1988"
    evidence = answer.json["evidence"]
    key = key_from_jwk(evidence["key"])
    signed = verify_body(evidence["signature"], evidence["body"].encode(),
                         {evidence["key"]["kid"]: key})
    assert signed.archive == "510500"
    assert orjson.loads(evidence["body"]) == answer.json["record"]
    assert get("510500/marriage/NO-SUCH").status_code == 404
    assert get("500118/employment/YC-E-1978").status_code == 404  # under the other hub
    assert client.get("/v1/records/510500/marriage/LZ-M-1988").status_code == 401


def test_an_archive_reported_twice_is_kept_once() -> None:
    """A lower hub cannot add a second voice for an archive another entry stands for."""
    from federation.fanout.outcomes import NodeOutcome, leaves

    direct = NodeOutcome({"code": "510500", "name": "泸州市档案馆"}, "ok", 10.0)
    echo = NodeOutcome({"code": "510500", "name": "泸州市档案馆"}, "ok", 12.0,
                       via=[{"code": "500000", "name": "重庆"}])
    other = NodeOutcome({"code": "500118", "name": "永川"}, "ok", 12.0,
                        via=[{"code": "500000", "name": "重庆"}])
    hub = NodeOutcome({"code": "500000", "name": "重庆"}, "ok", 20.0, kind="hub",
                      children=[echo, other])
    assert leaves([direct, hub]) == [direct, other]
