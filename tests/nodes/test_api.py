"""The node API's contract: signatures, token refusals, problem+json, service-info, docs."""

import base64
import json
import re
import time

import jwt
import pytest

from schemas.signing import (
    SIGNATURE_HEADER,
    SignatureInvalid,
    key_from_jwk,
    load_private_key,
    mint_hub_token,
    verify_body,
)
from tests.nodes.conftest import ARCHIVE
from tests.nodes.people import ZHANG_ID, marriage_row

BODY = {"subject": {"name": "张国华"}, "purpose": "test", "request_id": "req-7"}


def post(client, token: str | None, body: dict = BODY):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/v1/search", json=body, headers=headers)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims(**overrides: object) -> dict:
    now = int(time.time())
    base = {"iss": "liancha-hub", "aud": ARCHIVE["code"], "iat": now, "exp": now + 60,
            "jti": f"j-{time.time_ns()}", "purpose": "test"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def test_search_answer_is_signed_by_the_key_in_service_info(hub, importer):
    importer("marriage", [marriage_row("M1", husband_id_number=ZHANG_ID, event_date="2001")])
    jwks = hub.client.get("/v1/service-info").json["signing_keys"]
    keys = {jwk["kid"]: key_from_jwk(jwk) for jwk in jwks}
    response = hub.search({"id_number": ZHANG_ID})
    proof = verify_body(response.headers[SIGNATURE_HEADER], response.get_data(), keys)
    assert proof.archive == ARCHIVE["code"] and proof.request_id == "req-1"
    with pytest.raises(SignatureInvalid, match="does not match"):
        verify_body(response.headers[SIGNATURE_HEADER], response.get_data() + b" ", keys)


def test_service_info_counts_records_and_lists_only_the_types_held(hub, importer):
    assert hub.client.get("/v1/service-info").json["record_types"] == []
    importer("marriage", [marriage_row("M1"), marriage_row("M2")])
    info = hub.client.get("/v1/service-info").json
    assert info["record_types"] == ["marriage"]
    assert info["counts"] == {"marriage": 2, "forestry_right": 0, "sent_down_youth": 0,
                              "employment": 0}
    assert info["archive"] == {**ARCHIVE, "region_code": ARCHIVE["code"]}


def test_record_by_id(hub, importer):
    importer("marriage", [marriage_row("M1")])
    record = hub.record("510500/marriage/M1").json
    assert record["record_id"] == "510500/marriage/M1"
    assert record["reference"]["file_no"] == "0012-003-0045"
    missing = hub.record("510500/marriage/NOPE")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert hub.record("500118/marriage/M1").status_code == 404


@pytest.mark.parametrize("attack", [
    "missing", "expired", "wrong_audience", "alg_none", "hs256_with_public_key",
    "foreign_key", "no_jti", "too_long_lived", "not_bearer",
])
def test_token_attacks_are_refused_with_401(app, keys, attack):
    client = app.test_client()
    hub_key = load_private_key(keys["hub_private"])
    if attack == "missing":
        token = None
    elif attack == "expired":
        token = jwt.encode(claims(iat=int(time.time()) - 400, exp=int(time.time()) - 200),
                           hub_key, algorithm="EdDSA")
    elif attack == "wrong_audience":
        token = mint_hub_token(hub_key, "500118", "test")
    elif attack == "alg_none":
        token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."
    elif attack == "hs256_with_public_key":
        import hashlib
        import hmac
        signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims())}"
        secret = keys["hub_public"].read_bytes()
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    elif attack == "foreign_key":
        token = mint_hub_token(load_private_key(keys["stranger_private"]), ARCHIVE["code"], "x")
    elif attack == "no_jti":
        token = jwt.encode(claims(jti=None), hub_key, algorithm="EdDSA")
    elif attack == "too_long_lived":
        token = jwt.encode(claims(exp=int(time.time()) + 3600), hub_key, algorithm="EdDSA")
    else:
        token = None
        basic = f"Basic {mint_hub_token(hub_key, ARCHIVE['code'], 'x')}"
        response = client.post("/v1/search", json=BODY, headers={"Authorization": basic})
    if attack != "not_bearer":
        response = post(client, token)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401 and response.json["detail"]


def test_a_replayed_token_is_refused(app, keys):
    client = app.test_client()
    token = mint_hub_token(load_private_key(keys["hub_private"]), ARCHIVE["code"], "test")
    assert post(client, token).status_code == 200
    replay = post(client, token)
    assert replay.status_code == 401 and "replayed" in replay.json["detail"]


@pytest.mark.parametrize(("body", "field"), [
    ({"subject": {}, "purpose": "p", "request_id": "r"}, "subject.id_number"),
    ({"subject": {"name": "张三"}, "request_id": "r"}, "purpose"),
    ({"subject": {"name": "张三", "birth_date": "1952-13"}, "purpose": "p", "request_id": "r"},
     "subject.birth_date"),
    ({"subject": {"name": "张三"}, "record_types": ["census"], "purpose": "p",
      "request_id": "r"}, "record_types.0"),
    ({"subject": {"id_number": "1234"}, "purpose": "p", "request_id": "r"}, "subject.id_number"),
    # dates of the right form that are no possible date: a 422, not a 500
    ({"subject": {"name": "张三", "birth_date": "1593-11-19"}, "purpose": "p",
      "request_id": "r"}, "subject.birth_date"),
    ({"subject": {"name": "张三", "birth_date": "1952-02-30"}, "purpose": "p",
      "request_id": "r"}, "subject.birth_date"),
    ({"subject": {"name": "张三"}, "event_date_to": "2300", "purpose": "p", "request_id": "r"},
     "event_date_to"),
    ({"subject": {"name": "张三"}, "purpose": "p", "request_id": "r", "extra": 1}, "extra"),
])
def test_invalid_requests_get_field_errors(hub, body, field):
    response = hub.client.post("/v1/search", json=body,
                               headers={"Authorization": f"Bearer {hub.token()}"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"], response.json


def test_an_id_number_born_outside_the_standards_years_is_searched_without_a_birth_date(hub):
    """A well-formed number whose check digit is right but whose birth year (1593) no
    catalogue date can have: searched by the number alone."""
    response = hub.search({"id_number": "510502159311190011"})
    assert response.status_code == 200, response.json
    assert response.json["records"] == []


def test_a_nul_character_is_a_400_problem_not_a_500(hub):
    """PostgreSQL's text cannot hold U+0000: refused before the search or lookup."""
    searched = hub.search({"name": "张\x00国华"})
    assert searched.status_code == 400 and searched.mimetype == "application/problem+json"
    looked_up = hub.record("510500/marriage/LZ%00")
    assert looked_up.status_code == 400 and looked_up.mimetype == "application/problem+json"


def test_malformed_json_is_a_400_problem_not_a_500(hub):
    response = hub.client.post("/v1/search", data=b"{not json",
                               headers={"Authorization": f"Bearer {hub.token()}",
                                        "Content-Type": "application/json"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_health_docs_and_openapi(app):
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "alive"}
    assert client.get("/readyz").json == {"status": "ready"}
    spec = client.get("/openapi.json").json
    assert {"/v1/search", "/v1/service-info", "/v1/records/{record_id}"} <= set(spec["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and b"/_swagger-ui/swagger-ui-bundle.js" in docs.data
    assert client.get("/_swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/nope").mimetype == "application/problem+json"


def test_the_documented_date_pattern_holds_the_standards_years(app):
    """A client (or a fuzzer) that follows the document sends only dates the node takes."""
    spec = app.test_client().get("/openapi.json").json
    pattern = re.compile(spec["components"]["schemas"]["Subject"]["properties"]["birth_date"]
                         ["pattern"])
    assert [bool(pattern.match(d)) for d in ("1800", "1952-03-04", "2100-12", "1799", "2101",
                                            "1952-13")] == [True, True, True, False, False,
                                                             False]
