"""The record locator: a subject the node's search would find is never routed away from it.

The property runs the node's own matching (`nodes.services.search`) against parties written
the messy ways catalogues write people (traditional forms, homophones, rare characters and
their substitutes, 15-digit and mistyped id numbers, birth dates to the year, month or day
or not at all), and asks the locator built from the same parties whether it may hold the
subject: whenever the search finds a record, it must say yes.
"""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from nodes.indexing import PARTY_COLUMNS, party_rows
from nodes.models import Locator, Party, Record
from nodes.services import search as node_search
from nodes.services.locator import build_locator, published_locator, withdraw_locator
from nodes.storage import make_engine, upgrade_schema
from schemas.id_numbers import check_character, parse_id_number
from schemas.locator import (
    LocatorKey,
    decode_filter,
    load_locator_key,
    may_hold,
    party_keys,
    subject_keys,
)
from schemas.names import normalize_name
from schemas.subjects import read_subject
from tests.nodes.conftest import write_standard_csv
from tests.nodes.people import ZHANG_ID, bad_check, marriage_row

KEY = LocatorKey(bytes(range(32)))
# names as catalogues and people write them: variants, homophones, rare characters
NAMES = ["张国华", "張國華", "张国化", "章国华", "王𠮷", "王吉", "李秀英", "李秀瑛", "吕秀兰",
         "呂秀蘭", "欧阳娜娜", "欧阳·娜娜", "阿依古丽·买买提", "乾隆", "干隆", "李 明", "李明"]
BODIES = ["51050019520304001", "51050219550721002", "50011819600101003",
          "51050019520304002", "51050019530304001"]


def _id_forms(body: str) -> list[str]:
    valid = body + check_character(body)
    return [valid, bad_check(valid), valid[:6] + valid[8:17], valid.lower()]


ID_NUMBERS = st.sampled_from(BODIES).flatmap(lambda body: st.sampled_from(_id_forms(body)))
# few years, months and days, so that dates of different precisions overlap often
BIRTHS = st.one_of(
    st.integers(1952, 1953).map(str),
    st.tuples(st.integers(1952, 1953), st.integers(1, 2)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(st.integers(1952, 1953), st.integers(1, 2), st.integers(1, 2)).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"))
NAME = st.one_of(st.sampled_from(NAMES),
                 st.text(st.sampled_from("张王李赵國华秀英明𠮷吉"), min_size=2, max_size=3))
PARTY = st.fixed_dictionaries({
    "name": NAME, "id_number": st.none() | ID_NUMBERS, "birth_date": st.none() | BIRTHS,
    "gender": st.sampled_from(["M", "F", None])})
SUBJECT = st.fixed_dictionaries({
    "name": st.none() | NAME, "id_number": st.none() | ID_NUMBERS,
    "birth_date": st.none() | BIRTHS, "gender": st.none() | st.sampled_from(["M", "F"]),
}).filter(lambda subject: subject["name"] or subject["id_number"])


def _document_party(party: dict) -> dict:
    """A party as the importer writes it into a record's document."""
    parsed = parse_id_number(party["id_number"]) if party["id_number"] else None
    return {"role": "husband", "name": normalize_name(party["name"]),
            "name_raw": party["name"], "id_number": parsed.normalized if parsed else None,
            "id_number_raw": party["id_number"],
            "id_number_valid": parsed.valid if parsed else None,
            "birth_date": party["birth_date"], "gender": party["gender"]}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('locator') / 'node.sqlite'}")
    upgrade_schema(engine)
    yield engine
    engine.dispose()


def _hold(engine, parties: list[dict]) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        connection.execute(delete(Party))
        connection.execute(delete(Record))
        for index, party in enumerate(parties):
            document = {"parties": [_document_party(party)]}
            pk = connection.execute(insert(Record).values(
                record_type="marriage", local_id=f"R{index}", access="open", content_hash="",
                document=json.dumps(document))).inserted_primary_key[0]
            connection.execute(insert(Party), [
                {"record_pk": pk, **dict(zip(PARTY_COLUMNS, row, strict=True))}
                for row in party_rows(document)])


def _found(engine, subject: dict) -> set[int]:  # type: ignore[no-untyped-def]
    """The records the node's search matches (its two matching steps, without ranking)."""
    read = read_subject(subject)
    hits: dict = {}
    with Session(engine) as session:
        if read.id_number:
            node_search._match_id(session, read.id_number, [], hits)
        if read.name:
            node_search._match_name(session, read, [], hits)
    return set(hits)


@settings(max_examples=600, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parties=st.lists(PARTY, min_size=1, max_size=4), subject=SUBJECT,
       namesake=st.booleans())
def test_whatever_the_search_finds_the_locator_routes_to_the_node(engine, parties, subject,
                                                                  namesake):
    if namesake:  # often the subject bears a party's name, written as that party wrote it
        subject = {**subject, "name": parties[0]["name"]}
    _hold(engine, parties)
    found = _found(engine, subject)
    wanted = set(subject_keys(read_subject(subject)))
    with Session(engine) as session:
        for pk in found:
            keys = {key for party in session.query(Party).filter(Party.record_pk == pk)
                    for key in party_keys(party.name_pinyin, party.id_body, party.id_valid,
                                          party.birth_start, party.birth_end)}
            assert keys & wanted, (subject, parties)
    build_locator(engine, KEY)
    with Session(engine) as session:
        published = published_locator(session, {"code": "510500", "name": "泸州市档案馆"})
    routed = may_hold(decode_filter(published["filter"]), KEY.hashed(wanted))
    if found:
        assert routed, (subject, parties)


def test_the_locator_says_no_for_people_it_does_not_hold(engine) -> None:
    _hold(engine, [{"name": "张国华", "id_number": ZHANG_ID, "birth_date": "1952-03-04",
                    "gender": "M"}])
    build_locator(engine, KEY)
    with Session(engine) as session:
        bloom = decode_filter(published_locator(session, {"code": "x", "name": "x"})["filter"])
    for stranger in ({"name": "李秀英"}, {"name": "张国华", "birth_date": "1970"},
                     {"id_number": "510502195507210028"}):
        assert not may_hold(bloom, KEY.hashed(subject_keys(read_subject(stranger))))
    assert may_hold(bloom, KEY.hashed(subject_keys(read_subject({"name": "張國華"}))))
    other_key = LocatorKey(bytes(32))  # another federation's key reads nothing
    assert not may_hold(bloom, other_key.hashed(subject_keys(read_subject({"name": "张国华"}))))


def test_no_plain_name_or_id_number_is_in_the_published_locator(engine) -> None:
    _hold(engine, [{"name": "张国华", "id_number": ZHANG_ID, "birth_date": "1952",
                    "gender": "M"}])
    build_locator(engine, KEY)
    with Session(engine) as session:
        published = json.dumps(published_locator(session, {"code": "x", "name": "x"}))
    for secret in ("张国华", "zhang guo hua", ZHANG_ID[:17], ZHANG_ID):
        assert secret not in published


def test_an_import_withdraws_the_locator_first_and_rebuilds_it(database_url, tmp_path) -> None:
    from nodes.services.importer import import_file

    engine = make_engine(database_url)
    upgrade_schema(engine)
    key_file = tmp_path / "locator.key"
    key_file.write_text(bytes(range(32)).hex() + "\n")
    key = load_locator_key(key_file)
    path = write_standard_csv(tmp_path / "m.csv", "marriage",
                              [marriage_row("M-1", husband_name="张国华")])
    report = import_file(engine, "marriage", path, locator_key=key)
    assert report.locator is not None and report.locator.parties == 2
    with Session(engine) as session:
        first = session.get(Locator, 1).built_at
    withdraw_locator(engine)
    with Session(engine) as session:
        assert published_locator(session, {}) is None
    path = write_standard_csv(tmp_path / "m2.csv", "marriage",
                              [marriage_row("M-2", husband_name="李明")])
    without_key = import_file(engine, "marriage", path)  # no key: no locator at all
    assert without_key.locator is None
    with Session(engine) as session:
        assert session.get(Locator, 1) is None
    import_file(engine, "marriage", path, locator_key=key)
    with Session(engine) as session:
        row = session.get(Locator, 1)
        assert row.built_at != first and row.parties == 4
        bloom = decode_filter(row.filter)
    assert may_hold(bloom, key.hashed(subject_keys(read_subject({"name": "李明"}))))
    engine.dispose()


def test_a_locator_key_file_must_hold_32_bytes(tmp_path: Path) -> None:
    from schemas.locator import LocatorKeyError

    short = tmp_path / "short.key"
    short.write_text("abcd")
    with pytest.raises(LocatorKeyError, match="64 hexadecimal"):
        load_locator_key(short)
    with pytest.raises(LocatorKeyError):
        load_locator_key(tmp_path / "missing.key")


def test_no_party_has_more_keys_than_a_locator_is_sized_for() -> None:
    from schemas.locator import MAX_PARTY_KEYS

    most = party_keys("zhang guo hua", "51050019520304001", False, "1952-03-04", "1952-03-04")
    assert len(most) == MAX_PARTY_KEYS


def test_the_locator_endpoint_wants_a_hub_token_and_answers_its_etag(app, hub, importer,
                                                                    database_url) -> None:
    client = app.test_client()
    assert client.get("/v1/locator").status_code == 401
    stranger = {"Authorization": f"Bearer {hub.token(audience='500118')}"}
    assert client.get("/v1/locator", headers=stranger).status_code == 401
    token = {"Authorization": f"Bearer {hub.token()}"}
    absent = client.get("/v1/locator", headers=token)
    assert absent.status_code == 404 and absent.content_type == "application/problem+json"
    importer("marriage", [marriage_row("M-1", husband_name="张国华")])
    engine = make_engine(database_url)
    build_locator(engine, KEY)
    engine.dispose()
    replayed = dict(token)
    assert client.get("/v1/locator", headers=replayed).status_code == 401  # a used token
    fresh = client.get("/v1/locator", headers={"Authorization": f"Bearer {hub.token()}"})
    assert fresh.status_code == 200 and fresh.headers["Liancha-Signature"]
    assert fresh.json["key_id"] == KEY.key_id and fresh.json["parties"] == 2
    same = client.get("/v1/locator", headers={"Authorization": f"Bearer {hub.token()}",
                                              "If-None-Match": fresh.headers["ETag"]})
    assert same.status_code == 304 and not same.data
    assert client.post("/v1/locator", headers={
        "Authorization": f"Bearer {hub.token()}"}).status_code == 405
