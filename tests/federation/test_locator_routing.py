"""The hub asks only the archives whose record locator may hold the subject, and every
archive whenever it has no fresh locator of it to rely on."""

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from federation.app import create_app as create_hub
from federation.identity import mint_clerk_token
from nodes.models import Locator
from nodes.storage import make_engine
from schemas.locator import LocatorKey
from schemas.signing import generate_key_pair
from tests.federation.conftest import serve_nodes
from tests.nodes.people import LI_ID, ZHANG_ID

SECRET = bytes(range(1, 33))


@pytest.fixture(scope="module")
def located(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    base = tmp_path_factory.mktemp("located")
    (base / "locator.key").write_text(SECRET.hex() + "\n")
    with serve_nodes(base, locator_key=LocatorKey(SECRET)) as served:
        yield served


def _hub(base: Path, database_url: str, tmp_path: Path, **config: object):  # type: ignore[no-untyped-def]
    _, identity_public = generate_key_pair(tmp_path / "identity")
    app = create_hub({"NODES": base / "nodes.yaml", "DATABASE_URL": database_url,
                      "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                      "IDENTITY_PUBLIC_KEY": identity_public,
                      "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys", "CALLBACK_POLL_S": 0,
                      "LOCATOR_KEY": base / "locator.key", **config})
    book = app.extensions["liancha.fanout"].locators
    for code in ("510500", "500118", "500116"):
        book.refresh(code)  # now, rather than in the background
    return app


def _query(app, subject: dict) -> dict:  # type: ignore[no-untyped-def]
    settings = app.extensions["liancha.hub"]
    token = mint_clerk_token(settings.signing_key, "clerk", "510500", ["holding", "admin"])
    answer = app.test_client().post("/api/v1/queries", json={
        "subject": subject, "purpose": "退休工龄认定"},
        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json
    return answer.json


def _statuses(answer: dict) -> dict[str, str]:
    return {node["archive"]["code"]: node["status"] for node in answer["nodes"]}


def test_only_archives_that_may_hold_the_subject_are_asked(located, database_url, tmp_path,
                                                           caplog) -> None:
    base, _ = located
    app = _hub(base, database_url, tmp_path)
    with caplog.at_level(logging.INFO, logger="liancha.node.access"):
        answer = _query(app, {"name": "李秀英", "id_number": LI_ID})
    assert _statuses(answer) == {"510500": "ok", "500118": "not_held", "500116": "not_held"}
    assert answer["complete"] is True  # the locators answered for the others
    assert [r["record_id"] for r in answer["records"]] == ["510500/marriage/LZ-M-1988"]
    searches = [r for r in caplog.records if r.name == "liancha.node.access"
                and r.getMessage().startswith("search")]
    assert len(searches) == 1  # the two other nodes were never called
    # 张国华 is held by all three (his id, his name, a homophone born the same year)
    zhang = _query(app, {"name": "张国华", "id_number": ZHANG_ID})
    assert set(_statuses(zhang).values()) == {"ok"}
    assert {r["record_id"].split("/")[0] for r in zhang["records"]} == {
        "510500", "500118", "500116"}


def test_without_a_fresh_locator_every_archive_is_asked(located, database_url,
                                                        tmp_path) -> None:
    base, _ = located
    stale = _hub(base, database_url, tmp_path, LOCATOR_MAX_AGE_S=0)
    assert set(_statuses(_query(stale, {"name": "李秀英", "id_number": LI_ID})).values()) \
        == {"ok"}
    other = tmp_path / "other.key"
    other.write_text(bytes(32).hex() + "\n")  # another federation's key: nothing is relied on
    foreign = _hub(base, database_url, tmp_path / "f", LOCATOR_KEY=other)
    assert set(_statuses(_query(foreign, {"name": "李秀英"})).values()) == {"ok"}


def test_a_withdrawn_locator_is_no_longer_relied_on(tmp_path_factory, database_url,
                                                    tmp_path) -> None:
    base = tmp_path_factory.mktemp("withdrawn")
    (base / "locator.key").write_text(SECRET.hex() + "\n")
    with serve_nodes(base, locator_key=LocatorKey(SECRET)):
        app = _hub(base, database_url, tmp_path)
        assert _statuses(_query(app, {"name": "李秀英"}))["500118"] == "not_held"
        engine = make_engine(f"sqlite:///{base / '500118.sqlite'}")
        with engine.begin() as connection:  # as an import does before its first row
            connection.execute(delete(Locator))
        engine.dispose()
        book = app.extensions["liancha.fanout"].locators
        assert book.refresh("500118") is False
        assert _statuses(_query(app, {"name": "李秀英"}))["500118"] == "ok"


def test_an_oversized_locator_is_not_taken(located, database_url, tmp_path,
                                           monkeypatch) -> None:
    from federation.fanout import locators

    base, _ = located
    monkeypatch.setattr(locators, "MAX_LOCATOR_BYTES", 64)
    app = _hub(base, database_url, tmp_path)
    assert app.extensions["liancha.fanout"].locators.refresh("500118") is False
    assert _statuses(_query(app, {"name": "李秀英"}))["500118"] == "ok"  # asked
