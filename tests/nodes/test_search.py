"""Search through the HTTP API: every way a person's records are found, and why."""

import json

import pytest

from tests.nodes.people import LI_ID, OTHER_ZHANG_ID, ZHANG_ID, ZHANG_ID_15, bad_check, marriage_row


def employment_row(local_id: str, **values: str) -> dict[str, str]:
    row = {"local_id": local_id, "event_date": "1979.10", "access": "open",
           "worker_name": "张国华", "worker_gender": "M", "worker_birth_date": "1952",
           "employer": "永川国营红星机械厂", "recruitment_kind": "state_owned"}
    row.update(values)
    return row


@pytest.fixture
def catalogue(importer):
    importer("marriage", [
        marriage_row("M-1978", husband_name="張國華"),                       # no ids before 1984
        marriage_row("M-1988", husband_id_number=ZHANG_ID_15, event_date="1988-06-01"),
        marriage_row("M-2003", husband_id_number=bad_check(ZHANG_ID), event_date="2003"),
        marriage_row("M-OTHER", husband_id_number=OTHER_ZHANG_ID, husband_birth_date="1960",
                     wife_name="陈红", wife_birth_date="1962", event_date="1985"),
    ])
    importer("employment", [
        employment_row("E-1979"),
        employment_row("E-HOMOPHONE", worker_name="张国化", event_date="1980"),
        employment_row("E-WOMAN", worker_gender="F", worker_name="张国华"),
    ], "employment.csv")


def found(response) -> dict[str, dict]:
    assert response.status_code == 200, response.json
    return {record["record_id"].split("/", 2)[2]: record["match"]
            for record in response.json["records"]}


def test_an_18_digit_id_finds_its_15_digit_and_mistyped_forms(hub, catalogue):
    matches = found(hub.search({"id_number": ZHANG_ID}))
    assert matches["M-1988"]["basis"] == ["id_number_15"]
    assert matches["M-2003"]["basis"] == ["id_number_check_char"]
    assert set(matches) == {"M-1988", "M-2003"}
    assert matches["M-1988"]["score"] > matches["M-2003"]["score"]


def test_a_15_digit_query_is_upgraded(hub, catalogue):
    assert set(found(hub.search({"id_number": ZHANG_ID_15}))) == {"M-1988", "M-2003"}


def test_a_traditional_form_name_finds_simplified_and_traditional_records(hub, catalogue):
    matches = found(hub.search({"name": "張國華", "birth_date": "1952-03-04", "gender": "M"}))
    assert matches["M-1978"]["basis"][0] == "name_exact"
    assert matches["E-1979"]["basis"][0] == "name_variant"
    assert matches["E-HOMOPHONE"]["basis"][0] == "name_pinyin"
    assert "M-OTHER" not in matches       # born 1960: not this man
    assert "E-WOMAN" not in matches       # a woman
    assert matches["M-1978"]["score"] > matches["E-HOMOPHONE"]["score"]


def test_id_and_name_also_find_records_without_an_id_but_never_another_id(hub, catalogue):
    matches = found(hub.search({"id_number": ZHANG_ID, "name": "张国华"}))
    assert matches["M-1988"]["basis"] == ["id_number_15"]
    assert "implied_by_id_number" in matches["E-1979"]["basis"]
    assert "birth_date" in matches["E-1979"]["basis"]
    assert "M-OTHER" not in matches and "E-WOMAN" not in matches
    assert max(m["score"] for k, m in matches.items() if k.startswith("E")) < min(
        matches["M-1988"]["score"], matches["M-2003"]["score"])


def test_record_types_and_event_dates_narrow(hub, catalogue):
    subject = {"name": "张国华", "birth_date": "1952", "gender": "M"}
    assert set(found(hub.search(subject, record_types=["employment"]))) == {"E-1979",
                                                                            "E-HOMOPHONE"}
    assert set(found(hub.search(subject, event_date_from="1979", event_date_to="1979-12"))) \
        == {"E-1979"}


def test_answers_are_sorted_and_truncated_with_the_total(hub, importer):
    importer("employment", [employment_row(f"E{i:03d}") for i in range(120)])
    answer = hub.search({"name": "张国华"}).json
    assert answer["total"] == 120 and answer["truncated"] is True
    assert len(answer["records"]) == 100
    ids = [r["record_id"] for r in answer["records"]]
    assert ids == sorted(ids)


def test_the_wife_is_found_by_her_own_id(hub, importer):
    importer("marriage", [marriage_row("M1", wife_id_number=LI_ID, event_date="2001")])
    assert found(hub.search({"id_number": LI_ID}))["M1"]["basis"] == ["id_number"]


def test_the_answer_says_how_common_the_name_is_and_who_else_shares_it(hub, catalogue):
    """Counts and the bare facts of other id numbers: never their names, numbers, records."""
    answer = hub.search({"id_number": ZHANG_ID, "name": "张国华"}).json
    # 张国华 in M-1978 (張國華), M-1988, M-2003, M-OTHER, E-1979, E-WOMAN; 张国化 in one
    assert answer["name_frequency"] == {"name": 6, "sound": 7}
    assert answer["namesakes"] == {"total": 1, "persons": [{
        "birth_date": "1960-01-01", "gender": "M", "region_code": OTHER_ZHANG_ID[:6],
        "name_match": "name_exact", "parties": 1}]}
    text = json.dumps(answer["namesakes"], ensure_ascii=False)
    assert OTHER_ZHANG_ID not in text and "张国华" not in text and "M-OTHER" not in text
    # a name only: no id to be another than, so no namesakes; the frequency still
    by_name = hub.search({"name": "张国化"}).json
    assert "namesakes" not in by_name and by_name["name_frequency"] == {"name": 1, "sound": 7}
    # an id only: nothing said of a name
    assert "name_frequency" not in hub.search({"id_number": ZHANG_ID}).json


def test_a_rare_character_and_its_gbk_substitute_find_each_other(hub, importer):
    """𠮷 is written 吉 and 䶮 岩 where a system cannot encode them: the same name."""
    importer("employment", [
        employment_row("E-RARE", worker_name="王𠮷"),
        employment_row("E-COMMON", worker_name="王吉"),
        employment_row("E-HOMOPHONE", worker_name="王极"),
        employment_row("E-YAN-RARE", worker_name="刘䶮"),
        employment_row("E-YAN-COMMON", worker_name="刘岩"),
    ], "employment.csv")
    common = found(hub.search({"name": "王吉"}))
    assert common["E-COMMON"]["basis"][0] == "name_exact"
    assert common["E-RARE"]["basis"][0] == "name_variant"
    assert common["E-HOMOPHONE"]["basis"][0] == "name_pinyin"
    rare = found(hub.search({"name": "王𠮷"}))
    assert rare["E-RARE"]["basis"][0] == "name_exact"
    assert rare["E-COMMON"]["basis"][0] == "name_variant"
    assert rare["E-HOMOPHONE"]["basis"][0] == "name_pinyin"
    assert found(hub.search({"name": "刘岩"}))["E-YAN-RARE"]["basis"][0] == "name_variant"
    assert found(hub.search({"name": "刘䶮"}))["E-YAN-COMMON"]["basis"][0] == "name_variant"
    assert hub.search({"name": "王𠮷"}).json["name_frequency"] == {"name": 2, "sound": 3}


def test_a_namesake_written_with_the_rare_character_is_reported(hub, importer):
    importer("marriage", [marriage_row(
        "M-RARE", husband_name="王𠮷", husband_id_number=OTHER_ZHANG_ID,
        husband_birth_date="1960", event_date="1985")])
    answer = hub.search({"id_number": ZHANG_ID, "name": "王吉"}).json
    assert answer["namesakes"]["total"] == 1
    assert answer["namesakes"]["persons"][0]["name_match"] == "name_variant"
