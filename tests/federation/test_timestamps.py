"""Every timestamp of every API has its offset, and the same moment is written the same way
on every surface."""

import re

from tests.federation.test_queries import SUBJECT

MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def moments(value: object, path: str = "") -> dict[str, str]:
    """Every string that looks like a point in time, by where it is."""
    found: dict[str, str] = {}
    if isinstance(value, str) and MOMENT.match(value):
        found[path] = value
    elif isinstance(value, dict):
        for key, item in value.items():
            found.update(moments(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(moments(item, f"{path}[{index}]"))
    return found


def test_every_moment_has_its_offset_and_reads_the_same_everywhere(federation):
    hub = federation.hub
    citizen = {"Authorization": f"Bearer {federation.token('citizen', **SUBJECT)}"}
    clerk = {"Authorization": f"Bearer {federation.token(archive='510500')}"}
    number = hub.post("/mobile/api/v1/requests", headers=citizen, json={
        "receiving_archive": "510500", "purpose": "退休工龄认定"}).json["request_no"]
    hub.post(f"/clerk/api/v1/requests/{number}/accept", json={}, headers=clerk)
    by_clerk = hub.get(f"/clerk/api/v1/requests/{number}", headers=clerk).json
    by_citizen = hub.get(f"/mobile/api/v1/requests/{number}", headers=citizen).json
    query = hub.post("/mobile/api/v1/queries", json={"purpose": "婚姻证明"},
                     headers=citizen).json
    issued = hub.post("/mobile/api/v1/certificates", headers=citizen, json={
        "query_id": query["query_id"], "record_ids": ["510500/marriage/LZ-M-1988"],
        "purpose": "婚姻证明"}).json
    revoked = hub.post(f"/api/v1/certificates/{issued['certificate_no']}/revoke",
                       json={"reason": "x"}, headers={"Authorization": "Bearer " +
                                                      federation.token(archive="510500",
                                                                       roles="admin")}).json
    verified = hub.post("/api/v1/verify", json={"url": issued["verify_url"]}).json
    nodes = hub.get("/api/v1/nodes", headers=clerk).json
    seen = {}
    for name, answer in (("clerk", by_clerk), ("citizen", by_citizen), ("revoked", revoked),
                         ("verified", verified), ("nodes", nodes)):
        for where, value in moments(answer).items():
            assert value.endswith("+00:00"), (name, where, value)
            seen[(name, where)] = value
    assert len(seen) >= 6
    assert by_clerk["applied_at"] == by_citizen["applied_at"]
    assert by_clerk["accepted_at"] == by_citizen["accepted_at"]
    assert verified["revoked_at"] == revoked["revoked_at"]
