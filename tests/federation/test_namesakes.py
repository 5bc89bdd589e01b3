"""Two people of one name and birth date, through real nodes over HTTP: a node reports the
other id number it holds (`namesakes`), and the hub shows neither of them the marriage
record from before the ID card that fits both, offering it to a clerk instead."""

from pathlib import Path

import pytest

from federation.app import create_app as create_hub
from schemas.signing import generate_key_pair, load_private_key
from tests.federation.conftest import Federation, serve_nodes
from tests.nodes.people import id18

FIRST = id18("51050219500506013")  # 王建国 of Jiangyang, born 1950-05-06
SECOND = id18("51052119500506057")  # 王建国 of Lu county, born the same day
OLD_MARRIAGE = "510500/marriage/LZ-M-1976"
CATALOGUES = {
    "510500": {"marriage": [{
        "local_id": "LZ-M-1976", "event_date": "1976-05", "access": "open",
        "registration_kind": "marriage", "husband_name": "王建国", "husband_gender": "M",
        "husband_birth_date": "1950-05-06", "husband_native_place": "四川省泸州市",
        "wife_name": "刘秀英", "wife_gender": "F", "wife_birth_date": "1952-02-02"}],
        "employment": [{
            "local_id": "LZ-E-1995", "event_date": "1995-03", "access": "open",
            "worker_name": "王建国", "worker_id_number": FIRST, "worker_gender": "M",
            "employer": "泸州化工厂", "recruitment_kind": "transfer"}]},
    "500118": {"employment": [{
        "local_id": "YC-E-1990", "event_date": "1990-07", "access": "open",
        "worker_name": "王建国", "worker_id_number": SECOND, "worker_gender": "M",
        "employer": "永川县陶瓷厂", "recruitment_kind": "transfer"}]},
}
ARCHIVES = {"510500": "泸州市档案馆", "500118": "重庆市永川区档案馆"}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with serve_nodes(tmp_path_factory.mktemp("namesakes"), CATALOGUES) as served:
        yield served


@pytest.fixture
def federation(nodes, database_url: str, tmp_path: Path) -> Federation:  # type: ignore[no-untyped-def]
    base, urls = nodes
    identity_private, identity_public = generate_key_pair(tmp_path / "identity")
    hub = create_hub({"NODES": base / "nodes.yaml", "DATABASE_URL": database_url,
                      "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                      "IDENTITY_PUBLIC_KEY": identity_public, "NODE_DEADLINE_S": 10.0,
                      "OVERALL_DEADLINE_S": 15.0, "CERTIFICATE_KEYS": tmp_path / "keys",
                      "CALLBACK_POLL_S": 0})
    return Federation(hub.test_client(), load_private_key(identity_private), urls,
                      base / "nodes.yaml")


def ask(federation: Federation, id_number: str) -> dict:
    token = federation.token("citizen", id_number=id_number, name="王建国")
    answer = federation.hub.post("/mobile/api/v1/queries", json={"purpose": "婚姻状况证明"},
                                 headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json
    return answer.json


def test_neither_namesake_is_shown_the_marriage_that_fits_both(federation):
    first, second = ask(federation, FIRST), ask(federation, SECOND)
    assert [r["record_id"] for r in first["records"]] == ["510500/employment/LZ-E-1995"]
    assert [r["record_id"] for r in second["records"]] == ["500118/employment/YC-E-1990"]
    for answer in (first, second):
        assert answer["to_confirm"] == [
            {"archive": {"code": "510500", "name": "泸州市档案馆"}, "count": 1}]


def test_the_clerk_sees_why_it_was_held_back(federation):
    first = ask(federation, FIRST)
    token = federation.token("citizen", id_number=FIRST, name="王建国")
    filed = federation.hub.post("/mobile/api/v1/requests", json={"query_id": first["query_id"]},
                                headers={"Authorization": f"Bearer {token}"})
    assert filed.status_code == 201, filed.json
    clerk = {"Authorization": f"Bearer {federation.token(archive='510500')}"}
    number = filed.json["request_no"]
    federation.hub.post(f"/clerk/api/v1/requests/{number}/accept", json={}, headers=clerk)
    [candidate] = federation.hub.get(f"/clerk/api/v1/requests/{number}/candidates",
                                     headers=clerk).json
    assert candidate["record_id"] == OLD_MARRIAGE
    against = {r["kind"]: r["text"] for r in candidate["reasons_against"]}
    assert "namesake" in against and "1950-05-06" in against["namesake"]
    assert SECOND not in str(candidate)  # the other person's id number is never shown
