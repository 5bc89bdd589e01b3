"""A lower hub's answer is judged as `HubSearchAnswerSchema` judges it, statuses remembered
or not (federation/fanout/lower_hubs.py: answer_problems)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from federation.fanout.lower_hubs import answer_problems
from schemas.nesting import HubSearchAnswerSchema

SCHEMA = HubSearchAnswerSchema()
ARCHIVES = st.one_of(
    st.fixed_dictionaries({"code": st.sampled_from(["510100", "5101", "abc", ""]),
                           "name": st.sampled_from(["成都市档案馆", ""])}),
    st.just({"code": "510100"}), st.just("510100"), st.none())
STATUSES = st.fixed_dictionaries(
    {"archive": ARCHIVES,
     "status": st.sampled_from(["ok", "not_held", "timeout", "maybe", None, 3]),
     "count": st.one_of(st.integers(-2, 3), st.just(2**70), st.just("1"), st.none()),
     "via": st.one_of(st.just([]), st.lists(ARCHIVES, max_size=2), st.just("x"))},
    optional={"latency_ms": st.one_of(st.none(), st.floats(allow_nan=False), st.just("1")),
              "error": st.one_of(st.none(), st.text(max_size=5), st.just(7))})
RIGHT = {"archive": {"code": "510100", "name": "成都市档案馆"}, "status": "not_held",
         "latency_ms": None, "count": 0, "error": "not asked", "via": []}


def _answer(nodes: object, kind: str = "hub") -> dict:
    return {"archive": {"code": "900000", "name": "省级中心"}, "request_id": "r1",
            "kind": kind, "records": [], "total": 0, "truncated": False, "nodes": nodes,
            "evidence": [], "took_ms": 12.5}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(STATUSES, st.just(RIGHT), st.just("x")), max_size=6),
       st.sampled_from(["hub", "node"]))
def test_the_judgement_is_the_schema_s(nodes: list, kind: str) -> None:
    answer = _answer(nodes, kind)
    expected = SCHEMA.validate(answer)
    assert answer_problems(answer) == expected
    assert answer_problems(answer) == expected  # the statuses now remembered


def test_a_list_that_is_not_one() -> None:
    for nodes in (None, "x", {"a": 1}):
        assert answer_problems(_answer(nodes)) == SCHEMA.validate(_answer(nodes)) != {}
