"""What a citizen is shown and what is offered to a clerk, piece of evidence by piece."""

from datetime import UTC, datetime

from federation.ownership import Decision, NameContext, weigh
from tests.federation.merge.builders import broken, id18, party, record, worker

ZHANG = id18("19520304", "131", region="510521")  # a man from Lu county
ME = {"id_number": ZHANG, "name": "张国华"}
RARE = NameContext(name_parties=1, sound_parties=1, frequency_known=True,
                   namesakes_complete=True)


def verdicts(records: list[dict], context: NameContext = RARE, me: dict = ME) -> dict:
    """{record_id: shown | offered | rejected}; records that are no claim are absent."""
    ownership = weigh(records, me, context)
    return {claim.party.record_id: claim.verdict for claim in ownership.claims}


def reasons(records: list[dict], record_id: str, context: NameContext = RARE) -> set[str]:
    claim = next(c for c in weigh(records, ME, context).claims
                 if c.party.record_id == record_id)
    return {reason.kind for reason in claim.reasons}


def test_the_id_number_decides_either_way() -> None:
    records = [worker("510521/employment/A", "张国华", id_number=ZHANG),
               worker("510521/employment/B", "张国化", id_number=broken(ZHANG)),
               worker("510521/employment/C", "张国华", id_number=id18("19520304", "151",
                                                                       region="510521"))]
    assert verdicts(records) == {"510521/employment/A": "shown", "510521/employment/B": "shown"}


def test_a_rare_name_with_the_birth_day_and_home_is_shown() -> None:
    records = [worker("510521/employment/D", "张国华", birth="1952-03-04", gender="M",
                      native="四川省泸县")]
    assert verdicts(records) == {"510521/employment/D": "shown"}


def test_a_birth_month_is_enough_for_a_rare_name_not_for_a_common_one() -> None:
    records = [worker("510521/employment/M", "张国华", birth="1952-03", gender="M",
                      native="四川省泸县")]
    assert verdicts(records) == {"510521/employment/M": "shown"}
    common = NameContext(name_parties=12, sound_parties=14, frequency_known=True,
                         namesakes_complete=True)
    assert verdicts(records, common) == {"510521/employment/M": "offered"}
    # a common name with the birth day is still a thousand to one against a namesake...
    day = [worker("510521/employment/D", "张国华", birth="1952-03-04", gender="M",
                  native="四川省泸县")]
    assert verdicts(day, common) == {"510521/employment/D": "shown"}
    # ...but not in a city where thousands write it
    crowded = NameContext(name_parties=5000, sound_parties=5200, frequency_known=True,
                          namesakes_complete=True)
    assert verdicts(day, crowded) == {"510521/employment/D": "offered"}


def test_a_birth_year_or_none_is_offered_not_shown() -> None:
    records = [worker("510521/employment/Y", "张国华", birth="1952", gender="M",
                      native="四川省泸县"),
               record("510521/forestry_right/F", party("holder", "张国华"), event_date="1982")]
    assert verdicts(records) == {"510521/employment/Y": "offered",
                                 "510521/forestry_right/F": "offered"}


def test_what_disagrees_is_no_claim_at_all() -> None:
    records = [worker("510521/employment/X1", "张国华", birth="1953-03-04"),
               worker("510521/employment/X2", "张国华", birth="1952-03-04", gender="F"),
               worker("510521/employment/X3", "李国华", birth="1952-03-04")]
    assert verdicts(records) == {}


def test_a_homophone_or_another_native_place_is_offered() -> None:
    records = [worker("510521/employment/H", "张国化", birth="1952-03-04", gender="M",
                      native="四川省泸县"),
               worker("510521/employment/P", "张国华", birth="1952-03-04", gender="M",
                      native="四川省合江县")]
    assert verdicts(records) == {"510521/employment/H": "offered",
                                 "510521/employment/P": "offered"}
    assert "homophone" in reasons(records, "510521/employment/H")
    assert "place_other" in reasons(records, "510521/employment/P")


def test_a_rare_character_written_as_its_gbk_substitute_is_the_same_name() -> None:
    """The citizen's card says 王吉 (a GBK system's 吉 for 𠮷); the archive wrote 王𠮷."""
    records = [worker("510521/employment/R", "王𠮷", birth="1952-03-04", gender="M",
                      native="四川省泸县")]
    claim = weigh(records, {"id_number": ZHANG, "name": "王吉"}, RARE).claims[0]
    assert claim.verdict == "shown" and not claim.homophone
    assert "姓名与本人相同（档案写作王𠮷）" in [reason.text for reason in claim.reasons]


def test_a_place_agrees_with_the_ids_region_under_its_old_codes() -> None:
    """Yongchuan: a card issued in 1990 under Sichuan's 510229 (永川县), a record written in
    Chongqing's days (永川区)."""
    me = {"id_number": id18("19600101", "131", region="510229"), "name": "刘建"}
    records = [worker("500118/employment/Q", "刘建", birth="1960-01", gender="M",
                      native="重庆市永川区")]
    ownership = weigh(records, me, RARE)
    assert "place_county" in {r.kind for r in ownership.claims[0].reasons}
    assert ownership.claims[0].verdict == "shown"


def test_a_namesake_with_another_id_number_blocks_what_fits_both() -> None:
    """Two people of one name and birth date: the id-less record is neither's for sure."""
    namesake = {"birth_date": "1952-03-04", "gender": "F", "region_code": "510502",
                "name_match": "name_exact", "parties": 1}
    context = NameContext(name_parties=3, sound_parties=3, frequency_known=True,
                          namesakes=[namesake], namesakes_complete=True)
    records = [record("510521/marriage/OLD", party("husband", "张国华", birth="1952-03-04",
                                                   gender="M", native="四川省泸县"),
                      party("wife", "李秀英", birth="1955-01-02", gender="F"),
                      event_date="1976-05-01"),
               record("510521/forestry_right/F", party("holder", "张国华"), event_date="1982"),
               worker("510521/employment/HIS", "张国华", birth="1952-03-04", gender="M",
                      native="四川省泸县")]
    # the namesake (a woman born the same day) fits the husband of neither record that
    # says he is a man, but fits the forestry certificate, which says nothing
    assert verdicts(records, context) == {"510521/marriage/OLD": "shown",
                                          "510521/forestry_right/F": "offered",
                                          "510521/employment/HIS": "shown"}
    assert "namesake" in reasons(records, "510521/forestry_right/F", context)
    him = {**namesake, "gender": "M"}
    context.namesakes = [him]
    assert verdicts(records, context) == {"510521/marriage/OLD": "offered",
                                          "510521/forestry_right/F": "offered",
                                          "510521/employment/HIS": "offered"}
    # a namesake in the answer itself (a party with another id number) counts the same
    other = id18("19520304", "171", region="510502")
    with_other = [*records, worker("510502/employment/THEIRS", "张国华", id_number=other)]
    assert verdicts(with_other)["510521/marriage/OLD"] == "offered"
    assert "510502/employment/THEIRS" not in verdicts(with_other)


def test_an_archive_that_did_not_say_who_shares_the_name_leaves_id_less_records_offered() -> None:
    unknown = NameContext(name_parties=1, sound_parties=1, frequency_known=True,
                          namesakes_complete=False)
    records = [worker("510521/employment/D", "张国华", birth="1952-03-04", gender="M",
                      native="四川省泸县"),
               worker("510521/employment/A", "张国华", id_number=ZHANG)]
    assert verdicts(records, unknown) == {"510521/employment/D": "offered",
                                          "510521/employment/A": "shown"}


def test_a_known_spouse_links_a_forestry_certificate_held_together() -> None:
    wife = id18("19550102", "242", region="510521")
    records = [record("510521/marriage/NEW", party("husband", "张国华", id_number=ZHANG),
                      party("wife", "李秀英", id_number=wife), event_date="1990-01-01"),
               record("510521/forestry_right/OLD", party("holder", "张国华"),
                      party("holder", "李秀英"), event_date="1982-06-01"),
               record("510521/forestry_right/STRANGER", party("holder", "张国华"),
                      party("holder", "王芳"), event_date="1982-06-01")]
    assert verdicts(records) == {"510521/marriage/NEW": "shown",
                                 "510521/forestry_right/OLD": "shown",
                                 "510521/forestry_right/STRANGER": "offered"}
    assert "link" in reasons(records, "510521/forestry_right/OLD")


def test_one_sent_down_file_in_two_archives_and_the_job_it_led_to() -> None:
    details = {"dispatch_date": "1969-03-02", "return_date": "1975-10-08",
               "return_reason": "recruitment",
               "destination": {"county": "江津县", "commune": "先锋公社"}}
    home = record("510500/sent_down_youth/Z1", party("youth", "张国华", birth="1952-03-04",
                                                      gender="M", native="四川省泸县"))
    copy = record("500116/sent_down_youth/Z2", party("youth", "张国华", birth="1952",
                                                      gender="M", native="四川省泸县"))
    job = record("500116/employment/E", party("worker", "张国华", birth="1952", gender="M",
                                              native="四川省泸县"), event_date="1975-10-08")
    for youth in (home, copy):
        youth["details"] = dict(details)
    job["details"] = {"recruitment_kind": "state_owned", "employer": "江津县农机厂",
                      "prior_status": "知识青年"}
    records = [home, copy, job]
    assert verdicts(records) == {"510500/sent_down_youth/Z1": "shown",
                                 "500116/sent_down_youth/Z2": "shown",
                                 "500116/employment/E": "shown"}


def test_two_marriages_to_different_spouses_are_not_both_shown() -> None:
    records = [record("510521/marriage/A", party("husband", "张国华", birth="1952-03-04",
                                                 gender="M", native="四川省泸县"),
                      party("wife", "李秀英", birth="1955-01-02", gender="F")),
               record("510521/marriage/B", party("husband", "张国华", birth="1952-03-04",
                                                 gender="M", native="四川省泸县"),
                      party("wife", "王桂兰", birth="1953-07-07", gender="F"))]
    assert verdicts(records) == {"510521/marriage/A": "offered", "510521/marriage/B": "offered"}
    # the spouse an id-bearing marriage names is the citizen's: that marriage is theirs
    wife = id18("19550102", "242", region="510521")
    divorce = record("510521/marriage/D", party("husband", "张国华", id_number=ZHANG),
                     party("wife", "李秀英", id_number=wife))
    assert verdicts([*records, divorce]) == {"510521/marriage/A": "shown",
                                             "510521/marriage/B": "offered",
                                             "510521/marriage/D": "shown"}


def test_a_clerks_decision_is_followed() -> None:
    records = [worker("510521/employment/Y", "张国华", birth="1952", gender="M",
                      native="四川省泸县"),
               worker("510521/employment/Y2", "张国华", birth="1952", gender="M")]
    now = datetime.now(UTC)
    context = NameContext(**{**RARE.__dict__, "decisions": {
        ("510521/employment/Y", 0): Decision("510521/employment/Y", 0, "confirmed", "510521",
                                             now),
        ("510521/employment/Y2", 0): Decision("510521/employment/Y2", 0, "rejected", "510521",
                                              now)}})
    ownership = weigh(records, ME, context)
    assert verdicts(records, context) == {"510521/employment/Y": "shown",
                                          "510521/employment/Y2": "rejected"}
    assert ownership.to_confirm({"510521": "泸县档案馆"}) == []


def test_to_confirm_counts_records_per_archive_without_contents() -> None:
    records = [worker("510521/employment/Y", "张国华", birth="1952"),
               record("510521/forestry_right/F", party("holder", "张国华")),
               worker("510500/employment/Y", "张国华", birth="1952")]
    names = {"510500": "泸州市档案馆", "510521": "泸县档案馆"}
    assert weigh(records, ME, RARE).to_confirm(names) == [
        {"archive": {"code": "510500", "name": "泸州市档案馆"}, "count": 1},
        {"archive": {"code": "510521", "name": "泸县档案馆"}, "count": 2}]
