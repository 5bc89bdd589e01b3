"""Each merge rule on hand-made records."""

import random

from federation.merge import group_persons
from schemas.places import place_core as normalize_native_place
from tests.federation.merge.builders import broken, id18, party, record, same_person, worker

ZHANG = id18("19520304", "121")  # a man (odd sequence digit)


def test_equal_id_numbers_join_with_full_confidence() -> None:
    persons = group_persons([worker("510500/employment/A", "张国华", id_number=ZHANG),
                             worker("500118/employment/B", "张国华", id_number=ZHANG)], {})
    assert len(persons) == 1
    person = persons[0]
    assert person.id_number == ZHANG and person.confidence == 1.0
    assert person.birth_date == "1952-03-04" and person.gender == "M"
    assert [r["record_id"] for r in person.records] == ["500118/employment/B",
                                                        "510500/employment/A"]
    assert "joined by the same id number" in person.explanation[0]


def test_a_15_digit_number_equals_its_18_digit_form() -> None:
    old = ZHANG[:6] + ZHANG[8:17]
    persons = group_persons([worker("510500/employment/A", "张国华", id_number=ZHANG),
                             worker("500118/employment/B", "张国华", id_number=old)], {})
    assert len(persons) == 1 and persons[0].confidence == 1.0
    assert "15-digit" in persons[0].explanation[0]


def test_two_valid_ids_never_join_even_through_a_no_id_party() -> None:
    other = id18("19520304", "131")
    persons = group_persons([
        worker("510500/employment/A", "张国华", id_number=ZHANG),
        worker("510500/employment/B", "张国华", id_number=other),
        worker("510500/employment/C", "张国华", birth="1952-03-04", gender="M"),
    ], {})
    for person in persons:
        assert len({r["record_id"] for r in person.records} & {"510500/employment/A",
                                                               "510500/employment/B"}) <= 1
    assert not same_person(persons, "510500/employment/A", "510500/employment/B")


def test_a_mistyped_check_character_joins_the_valid_number() -> None:
    persons = group_persons([worker("510500/employment/A", "张国华", id_number=ZHANG),
                             worker("510500/employment/B", "张国华", id_number=broken(ZHANG))],
                            {})
    assert len(persons) == 1
    assert persons[0].id_number == ZHANG
    assert "mistyped check character" in " ".join(persons[0].explanation)
    assert 0.9 <= persons[0].confidence < 1.0


def test_a_traditional_name_joins_by_name_and_birth_date() -> None:
    persons = group_persons([
        worker("510500/employment/A", "张国华", id_number=ZHANG),
        worker("510500/employment/B", "張國華", birth="1952-03", gender="M"),
    ], {})
    assert len(persons) == 1
    sentence = persons[0].explanation[0]
    assert "by name 张国华 (written 張國華)" in sentence and "1952-03" in sentence
    assert 0.9 <= persons[0].confidence < 1.0


def test_a_rare_character_and_its_gbk_substitute_are_one_name() -> None:
    """𠮷 written 吉 by a system that cannot encode it: the same name, not a homophone."""
    persons = group_persons([
        worker("510500/employment/A", "王吉", id_number=ZHANG),
        worker("500118/employment/B", "王𠮷", birth="1952-03-04", gender="M"),
    ], {})
    assert len(persons) == 1
    assert persons[0].confidence == 0.95 and set(persons[0].names) == {"王吉", "王𠮷"}
    assert "by name 王𠮷" in persons[0].explanation[0]
    assert "homophone" not in persons[0].explanation[0]
    # without an id number on either side, by name and birth date alone
    among = group_persons([worker("510500/employment/A", "刘䶮", birth="1952-03-04"),
                           worker("500118/employment/B", "刘岩", birth="1952-03-04")], {})
    assert len(among) == 1 and among[0].confidence == 0.95
    # the subject asked for as 吉 is the person written 𠮷, by name
    subject = group_persons([worker("510500/employment/B", "王𠮷", birth="1952-03-04",
                                    gender="M")], {"id_number": ZHANG, "name": "王吉"})
    assert subject[0].is_subject and subject[0].subject_confidence >= 0.9


def test_a_homophone_joins_with_lower_confidence() -> None:
    exact = group_persons([worker("510500/employment/A", "张国华", id_number=ZHANG),
                           worker("510500/employment/B", "张国华", birth="1952")], {})
    homophone = group_persons([worker("510500/employment/A", "张国华", id_number=ZHANG),
                               worker("510500/employment/B", "张国化", birth="1952")], {})
    assert len(exact) == len(homophone) == 1
    assert homophone[0].confidence < exact[0].confidence
    assert "homophone name 张国化 ~ 张国华 (pinyin zhang guo hua)" in homophone[0].explanation[0]
    assert homophone[0].names == ["张国华", "张国化"] or set(homophone[0].names) == {"张国华",
                                                                                    "张国化"}


def test_birth_dates_agree_at_their_precision() -> None:
    def grouped(a: str | None, b: str | None) -> int:
        return len(group_persons([worker("510500/employment/A", "李明", birth=a),
                                  worker("510500/employment/B", "李明", birth=b)], {}))
    assert grouped("1952", "1952-03-04") == 1
    assert grouped("1952-03", "1952-03-31") == 1
    assert grouped("1952-03", "1952-04-01") == 2
    assert grouped("1951", "1952") == 2
    assert grouped(None, "1952") == 1
    known = group_persons([worker("510500/employment/A", "李明", birth="1952-03-04"),
                           worker("510500/employment/B", "李明", birth="1952-03-04")], {})
    unknown = group_persons([worker("510500/employment/A", "李明", birth="1952-03-04"),
                             worker("510500/employment/B", "李明")], {})
    assert unknown[0].confidence < known[0].confidence


def test_a_gender_conflict_keeps_apart_and_unknown_gender_does_not() -> None:
    assert len(group_persons([worker("510500/employment/A", "李明", birth="1952", gender="M"),
                              worker("510500/employment/B", "李明", birth="1952", gender="F")],
                             {})) == 2
    assert len(group_persons([worker("510500/employment/A", "李明", birth="1952", gender="M"),
                              worker("510500/employment/B", "李明", birth="1952", gender="U")],
                             {})) == 1
    # the gender an id number implies counts as known
    assert len(group_persons([worker("510500/employment/A", "张国华", id_number=ZHANG),
                              worker("510500/employment/B", "张国华", gender="F")], {})) == 2


def test_a_native_place_conflict_keeps_apart() -> None:
    assert normalize_native_place("四川省瀘州市納溪區") == normalize_native_place("泸州市纳溪区")
    assert normalize_native_place("江津县") == normalize_native_place("重庆市江津区") == "江津"
    assert normalize_native_place("泸县") == "泸县"

    def grouped(a: str, b: str) -> int:
        return len(group_persons([worker("510500/employment/A", "李明", birth="1952", native=a),
                                  worker("510500/employment/B", "李明", birth="1952", native=b)],
                                 {}))
    assert grouped("四川省永川县", "永川縣") == 1
    assert grouped("泸州市", "四川省泸州市龙马潭区") == 1
    assert grouped("四川省古蔺县", "四川省叙永县") == 2


def test_a_party_born_after_the_event_cannot_be_its_party() -> None:
    young = id18("19701124", "393")
    persons = group_persons([
        worker("510500/employment/A", "蒋红卫", id_number=young),
        record("510525/forestry_right/F", party("holder", "蒋红卫"), event_date="1981-07"),
    ], {})
    assert len(persons) == 2


def test_a_party_fitting_two_id_persons_equally_is_left_apart() -> None:
    other = id18("19520304", "131")
    persons = group_persons([
        worker("510500/employment/A", "张国华", id_number=ZHANG),
        worker("510500/employment/B", "张国华", id_number=other),
        worker("510500/employment/C", "张国华", birth="1952"),
    ], {"id_number": ZHANG, "name": "张国华"})
    alone = [p for p in persons if [r["record_id"] for r in p.records] == ["510500/employment/C"]]
    assert len(persons) == 3 and len(alone) == 1
    assert "left apart rather than guessed" in alone[0].explanation[0]
    assert alone[0].subject_confidence <= 0.5


def test_grouping_is_deterministic_under_shuffling() -> None:
    records = [
        worker("510500/employment/A", "张国华", id_number=ZHANG),
        worker("500118/employment/B", "張國華", birth="1952-03"),
        record("510500/marriage/M", party("husband", "张国化", birth="1952", gender="M"),
               party("wife", "王芳", birth="1955-01-02", gender="F")),
        worker("500116/employment/C", "王芳", birth="1955"),
        worker("500116/employment/D", "李明"),
    ]
    subject = {"id_number": ZHANG, "name": "张国华"}
    expected = [p.to_dict() for p in group_persons(records, subject)]
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert [p.to_dict() for p in group_persons(shuffled, subject)] == expected
    assert expected[0]["id_number"] == ZHANG and expected[0]["is_subject"]
    assert expected[0]["person_id"].startswith("P") and len(expected[0]["person_id"]) == 11


def test_explanations_mask_id_numbers() -> None:
    persons = group_persons([
        worker("510500/employment/A", "张国华", id_number=ZHANG),
        worker("510500/employment/B", "张国华", id_number=ZHANG[:6] + ZHANG[8:17]),
        worker("510500/employment/C", "张国华", id_number=broken(ZHANG)),
        worker("510500/employment/D", "张国华", birth="1952-03-04"),
    ], {})
    text = " ".join(persons[0].explanation)
    assert len(persons) == 1 and len(persons[0].explanation) == 3
    assert ZHANG not in text and ZHANG[:14] not in text and broken(ZHANG) not in text
    assert "*" * 14 + ZHANG[-4:] in text


def test_subject_confidence_by_id_name_and_homophone() -> None:
    subject = {"id_number": ZHANG, "name": "张国华"}
    by_id = group_persons([worker("510500/employment/A", "张国华", id_number=ZHANG)], subject)
    by_name = group_persons([worker("510500/employment/A", "张国华", birth="1952-03-04",
                                    gender="M")], subject)
    by_sound = group_persons([worker("510500/employment/A", "张国化", birth="1952-03-04")],
                             subject)
    other = group_persons([worker("510500/employment/A", "李明", birth="1952-03-04")], subject)
    assert by_id[0].is_subject and by_id[0].subject_confidence == 1.0
    assert by_name[0].is_subject and by_name[0].subject_confidence >= 0.9
    assert by_sound[0].is_subject and by_sound[0].subject_confidence < 0.9
    assert by_sound[0].subject_confidence < by_name[0].subject_confidence
    assert not other[0].is_subject and other[0].subject_confidence == 0.0


def test_subject_persons_come_first() -> None:
    persons = group_persons([
        worker("510500/employment/A", "李明", birth="1960"),
        worker("510500/employment/B", "张国化", birth="1952"),
        worker("510500/employment/C", "张国华", id_number=ZHANG),
        worker("510500/employment/D", "王芳"),
    ], {"id_number": ZHANG, "name": "张国华"})
    assert [p.is_subject for p in persons][:1] == [True]
    flags = [p.is_subject for p in persons]
    assert flags == sorted(flags, reverse=True)
    subjects = [p for p in persons if p.is_subject]
    assert [p.subject_confidence for p in subjects] == sorted(
        (p.subject_confidence for p in subjects), reverse=True)
