"""Reading a lower hub's answer (`kind: hub` in the nodes file) into one outcome per archive.

The lower hub's signature over its whole answer has been checked by the client, as for any
node. Its records are not taken as they stand: each archive's `ok` comes with that archive's
own answer text, its signature and its key (vouched for by the hub's signature), and the
records used are those of the archive's answer, after its signature is checked here. An
archive whose relayed answer does not check out is an `error`, whatever the hub said.
"""

import functools
from datetime import UTC, datetime

import orjson

from federation.fanout.outcomes import ERROR, OK, STATUSES, Evidence, NodeOutcome, name_context
from federation.registry import NodeEntry
from schemas.nesting import HubSearchAnswerSchema, RelayedStatusSchema
from schemas.search import SearchAnswerSchema
from schemas.signing import SignatureInvalid, key_from_jwk, public_jwk, verify_body

_ANSWER_SCHEMA = SearchAnswerSchema()
_HUB_ANSWER_SCHEMA = HubSearchAnswerSchema()
_STATUS_SCHEMA = RelayedStatusSchema()


def answer_problems(answer: dict) -> dict:
    """What `HubSearchAnswerSchema` finds wrong with a lower hub's answer ({}: nothing).

    The statuses of the archives below are checked one by one, and a status once found
    right is remembered by its exact text: most come back the same query after query (an
    archive `not_held`, its reason, no latency), and the schema took ~25 µs for each of the
    ~100 statuses of every provincial hub's answer. Anything found wrong is described by
    the schema over the whole answer, as before."""
    nodes = answer.get("nodes")
    if (isinstance(nodes, list) and not _HUB_ANSWER_SCHEMA.validate({**answer, "nodes": []})
            and all(isinstance(status, dict) and _status_right(status) for status in nodes)):
        return {}
    return _HUB_ANSWER_SCHEMA.validate(answer)


def _status_right(status: dict) -> bool:
    try:
        text = orjson.dumps(status)
    except (TypeError, orjson.JSONEncodeError):  # (e.g. an integer past 64 bits)
        return False
    return _status_text_right(text)


@functools.lru_cache(maxsize=65_536)
def _status_text_right(text: bytes) -> bool:
    return not _STATUS_SCHEMA.validate(orjson.loads(text))


def archives_below(hub: NodeEntry, answer: dict, request_id: str) -> list[NodeOutcome]:
    """One outcome per archive the lower hub asked, in its order (answer: schema-checked)."""
    relayed = {item["archive"]["code"]: item for item in answer["evidence"]}
    path = [{"code": hub.code, "name": hub.name}]
    outcomes = []
    for status in answer["nodes"]:
        archive = {"code": status["archive"]["code"], "name": status["archive"]["name"]}
        via = path + [{"code": a["code"], "name": a["name"]} for a in status["via"]]
        outcome = NodeOutcome(archive, status["status"], status.get("latency_ms"),
                              error=status.get("error"), via=via)
        if status["status"] not in STATUSES:  # the schema allows only these; kept strict
            outcome.status, outcome.error = ERROR, f"unknown status {status['status']!r}"
        if outcome.status == OK:
            _take_relayed(outcome, relayed.get(archive["code"]), request_id)
        outcomes.append(outcome)
    return outcomes


def _take_relayed(outcome: NodeOutcome, item: dict | None, request_id: str) -> None:
    """Fill an `ok` outcome from the archive's own signed answer, or make it an error."""
    code = outcome.archive["code"]
    reason = _relayed_problem(code, item, request_id)
    if reason is not None:
        outcome.status, outcome.error = ERROR, f"relayed by the hub, but {reason}"
        return
    assert item is not None
    body = item["body"].encode("utf-8")
    answer = orjson.loads(body)
    outcome.records, outcome.count = answer["records"], len(answer["records"])
    outcome.name_context = name_context(answer)
    outcome.evidence = Evidence(body, item["signature"], item["key"]["kid"],
                                datetime.now(UTC), key=dict(item["key"]))


def _relayed_problem(code: str, item: dict | None, request_id: str) -> str | None:
    """Why the relayed answer of archive `code` cannot be used; None when it can."""
    if item is None:
        return "without the archive's own answer"
    try:
        key = key_from_jwk(item["key"])
    except (ValueError, KeyError) as exc:
        return f"with an unreadable key: {exc}"
    if public_jwk(key)["kid"] != item["key"]["kid"]:
        return "with a key whose kid is not its thumbprint"
    body = item["body"].encode("utf-8")
    try:
        signed = verify_body(item["signature"], body, {item["key"]["kid"]: key})
    except SignatureInvalid as exc:
        return f"the archive's signature does not verify: {exc}"
    if signed.archive != code or signed.request_id != request_id:
        return "signed for another archive or request"
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "the archive's answer is not JSON"
    if not isinstance(answer, dict) or _ANSWER_SCHEMA.validate(answer):
        return "the archive's answer is not a search answer"
    if answer["archive"]["code"] != code or answer["request_id"] != request_id:
        return "the archive's answer is for another archive or request"
    if any(not record["record_id"].startswith(f"{code}/") for record in answer["records"]):
        return "the archive's answer holds another archive's records"
    return None
