"""One hub with every kind of caller and the objects each operation acts on, for the
permission matrix test (`test_permission_matrix.py`).

The world is built through the hub's own surfaces: 张国华 (SUBJECT) queries and certifies
his Luzhou marriage record in the app and at a Luzhou kiosk; the national platform files a
request for him, received by Luzhou (510500) and asking Yongchuan (500118), which
Yongchuan answers with a certificate and Luzhou completes. Steps that change what they act
on (accept, assist, complete, refuse, revoke, finishing a kiosk session) get a fresh
object per call (`World.fresh_*`), so no call spoils the world for the next one.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from accounts.clerks import create_clerk
from accounts.kiosks import register_device
from accounts.platform import mint_client_assertion, register_client, token_audience
from certificates.tokens import token_from_url
from federation.app import create_app as create_hub
from federation.identity import mint_identity_token
from kiosk_api.reader import Card, mint_card_assertion
from schemas.signing import generate_key_pair, load_private_key, public_pem
from tests.federation.test_queries import SUBJECT
from tests.nodes.people import OTHER_ZHANG_ID

ANONYMOUS, CITIZEN, OTHER_CITIZEN, KIOSK = "anonymous", "citizen", "other-citizen", "kiosk"
RECEIVING, HOLDING, ADMIN = "clerk.receiving@510500", "clerk.holding@500118", \
    "clerk.admin@510500"
UNINVOLVED, NATIONAL, OTHER_NATIONAL = "clerk.holding@500116", "national", "other-national"
CALLERS = (ANONYMOUS, CITIZEN, OTHER_CITIZEN, KIOSK, RECEIVING, HOLDING, ADMIN, UNINVOLVED,
           NATIONAL, OTHER_NATIONAL)
CLERKS = {RECEIVING: ("510500", "receiving"), HOLDING: ("500118", "holding"),
          ADMIN: ("510500", "admin"), UNINVOLVED: ("500116", "holding")}
PASSWORD = "窗口-correct-horse"
DOCUMENTS = {"/openapi.json", "/mobile/openapi.json", "/kiosk/openapi.json",
             "/clerk/openapi.json", "/national/openapi.json"}
MARRIAGE = "510500/marriage/LZ-M-1988"  # 张国华 and 李秀英, held by Luzhou
EMPLOYMENT = "500118/employment/YC-E-1978"  # 张国华's recruitment, held by Yongchuan
OTHER_EMPLOYMENT = "500118/employment/YC-E-OTHER"  # the other 张国华's
JIANGJIN_YOUTH = "500116/sent_down_youth/JJ-Z-1970"  # 张国化 (a homophone), born 1952
PURPOSE = "退休工龄认定"
APPLICATION = {"purpose": PURPOSE, "holding_archives": ["500118"]}
ON_BEHALF = {**APPLICATION, "subject": SUBJECT,
             "applicant": {"name": "张小华", "relation": "child"},
             "documents": [{"kind": "id_card", "number": SUBJECT["id_number"]},
                           {"kind": "letter_of_authorization", "note": "2026-11-20 签署"}]}
SUBMISSION = {**ON_BEHALF, "receiving_archive": "510500"}
ZHANG = Card(SUBJECT["id_number"], SUBJECT["name"])


@dataclass
class Call:
    """One request of one cell: the path's parameters, a JSON or form body, extra headers."""

    params: dict[str, str] = field(default_factory=dict)
    json: dict | None = None
    form: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    app: Flask
    client: FlaskClient
    identity_key: Ed25519PrivateKey
    device_keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    client_keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # caller -> bearer token
    queries: dict[str, str] = field(default_factory=dict)  # caller -> a query of theirs
    certificates: dict[str, str] = field(default_factory=dict)  # name -> certificate no
    verify_token: str = ""
    request_no: str = ""  # the national request, completed
    accepted_no: str = ""  # a counter request, accepted, Yongchuan's part pending
    confirming_no: str = ""  # 张国华's request to confirm what his query offered, accepted
    batch_id: str = ""  # a certificate batch of Luzhou's admin

    # -- sending -------------------------------------------------------------------------

    def send(self, method: str, path: str, caller: str | None, call: Call | None = None
             ) -> TestResponse:
        call = call or Call()
        headers = dict(call.headers)
        if caller not in (None, ANONYMOUS) and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.tokens[caller]}"
        return self.client.open(path.format(**call.params), method=method, headers=headers,
                                json=call.json, data=call.form)

    def ok(self, method: str, path: str, caller: str, call: Call | None = None,
           status: int = 200) -> dict:
        """A step of building the world, which must succeed."""
        answer = self.send(method, path, caller, call)
        assert answer.status_code == status, (method, path, caller, answer.get_json())
        return answer.get_json()

    # -- credentials ---------------------------------------------------------------------

    def card_assertion(self, device: str = "LZ-HALL-02") -> str:
        return mint_card_assertion(self.device_keys[device], device, ZHANG)

    def client_assertion(self, client_id: str = "national-platform") -> str:
        return mint_client_assertion(self.client_keys[client_id], client_id,
                                     token_audience(self.app.extensions["liancha.hub"]))

    def kiosk_session(self, device: str) -> str:
        opened = self.ok("POST", "/kiosk/api/v1/sessions", None,
                         Call(json={"assertion": self.card_assertion(device)}), 201)
        return opened["session_token"]

    def token_form(self, client_id: str = "national-platform") -> dict[str, str]:
        return {"grant_type": "client_credentials",
                "client_assertion_type":
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": self.client_assertion(client_id)}

    # -- fresh objects for the steps that change them ------------------------------------

    def fresh_applied(self) -> str:
        """A counter request received by Luzhou, asking Yongchuan."""
        return self.ok("POST", "/clerk/api/v1/requests", RECEIVING, Call(json=ON_BEHALF),
                       201)["request_no"]

    def fresh_accepted(self) -> str:
        number = self.fresh_applied()
        self.ok("POST", "/clerk/api/v1/requests/{no}/accept", RECEIVING,
                Call({"no": number}, json={}))
        return number

    def fresh_answered(self) -> str:
        """Accepted, and Yongchuan has answered with a certificate: ready to complete."""
        number = self.fresh_accepted()
        found = self.ok("POST", "/clerk/api/v1/requests/{no}/search", HOLDING,
                        Call({"no": number}))
        self.ok("POST", "/clerk/api/v1/requests/{no}/assist", HOLDING, Call(
            {"no": number}, json={"outcome": "found", "query_id": found["query_id"],
                                  "record_ids": [EMPLOYMENT]}))
        return number

    def fresh_certificate(self) -> str:
        """A Luzhou certificate of 张国华's marriage, issued by Luzhou's admin."""
        return self.ok("POST", "/api/v1/certificates", ADMIN, Call(json={
            "query_id": self.queries[RECEIVING], "record_ids": [MARRIAGE],
            "purpose": PURPOSE}), 201)["certificate_no"]


@contextmanager
def module_database(base: Path) -> Iterator[str]:
    """A database for one module's world: SQLite in `base`, or a schema of its own in the
    PostgreSQL of LIANCHA_TEST_DATABASE_URL (as tests/conftest.py's `database_url`)."""
    postgres = os.environ.get("LIANCHA_TEST_DATABASE_URL")
    if not postgres:
        yield f"sqlite:///{base / 'hub.sqlite'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres else "?"
    try:
        yield f"{postgres}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def build_world(nodes_base: Path, base: Path, database_url: str) -> World:
    identity_private, identity_public = generate_key_pair(base / "identity")
    app = create_hub({"NODES": nodes_base / "nodes.yaml", "DATABASE_URL": database_url,
                      "SIGNING_KEY": nodes_base / "keys" / "hub" / "private.pem",
                      "IDENTITY_PUBLIC_KEY": identity_public,
                      "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                      "CERTIFICATE_KEYS": base / "certificate-keys",
                      "CALLBACK_POLL_S": 0, "RATE_LIMIT_PER_MINUTE": 0,
                      # every cell calls as fast as it can: limits are tested on their own
                      "CLERK_RATE_LIMIT_PER_MINUTE": 0, "CLIENT_RATE_LIMIT_PER_MINUTE": 0,
                      "VERIFY_RATE_LIMIT_PER_MINUTE": 0, "TOKEN_RATE_LIMIT_PER_MINUTE": 0,
                      "CARD_READ_RATE_LIMIT_PER_MINUTE": 0,
                      "KIOSK_IDLE_S": 3600.0})
    world = World(app, app.test_client(use_cookies=False), load_private_key(identity_private))
    _register_callers(world)
    _make_objects(world)
    return world


def close_world(world: World) -> None:
    engine = world.app.extensions["liancha.db"].engine
    if engine is not None:  # no pooled connection may outlive its schema (PostgreSQL)
        engine.dispose()


def _register_callers(world: World) -> None:
    app = world.app
    settings = app.extensions["liancha.hub"]
    session = app.extensions["liancha.db"].session()
    try:
        for caller, (archive, role) in CLERKS.items():
            create_clerk(session, _username(caller), caller, PASSWORD, [(archive, role)])
        for device in ("LZ-HALL-01", "LZ-HALL-02"):
            world.device_keys[device] = Ed25519PrivateKey.generate()
            register_device(session, device, "510500", "泸州市政务服务中心一楼",
                            public_pem(world.device_keys[device].public_key()).decode(),
                            {node.code for node in settings.nodes})
        for client_id in ("national-platform", "other-platform"):
            world.client_keys[client_id] = Ed25519PrivateKey.generate()
            register_client(session, client_id, f"全国档案查询利用服务平台 ({client_id})",
                            public_pem(world.client_keys[client_id].public_key()).decode())
    finally:
        session.close()
    world.tokens[CITIZEN] = mint_identity_token(world.identity_key, "citizen", **SUBJECT)
    world.tokens[OTHER_CITIZEN] = mint_identity_token(
        world.identity_key, "citizen", id_number=OTHER_ZHANG_ID, name="张国华")
    world.tokens[KIOSK] = world.kiosk_session("LZ-HALL-01")
    for caller in CLERKS:
        world.tokens[caller] = world.ok("POST", "/clerk/api/v1/login", None, Call(json={
            "username": _username(caller), "password": PASSWORD}))["token"]
    for caller, client_id in ((NATIONAL, "national-platform"),
                              (OTHER_NATIONAL, "other-platform")):
        world.tokens[caller] = world.ok("POST", "/national/api/v1/token", None, Call(
            form=world.token_form(client_id)))["access_token"]


def _make_objects(world: World) -> None:
    for caller in (CITIZEN, OTHER_CITIZEN):
        world.queries[caller] = world.ok("POST", "/mobile/api/v1/queries", caller, Call(
            json={"purpose": PURPOSE}))["query_id"]
    world.queries[KIOSK] = world.ok("POST", "/kiosk/api/v1/records", KIOSK, Call(
        json={"purpose": PURPOSE}))["query_id"]
    for caller in CLERKS:
        world.queries[caller] = world.ok("POST", "/api/v1/queries", caller, Call(
            json={"subject": SUBJECT, "purpose": PURPOSE}))["query_id"]
    world.queries[ADMIN] = world.queries[RECEIVING]  # one archive: Luzhou's query

    mine = world.ok("POST", "/mobile/api/v1/certificates", CITIZEN, Call(json={
        "query_id": world.queries[CITIZEN], "record_ids": [MARRIAGE], "purpose": PURPOSE}),
        201)
    world.certificates["citizen"] = mine["certificate_no"]
    world.verify_token = token_from_url(mine["verify_url"])
    world.certificates["kiosk"] = world.ok("POST", "/kiosk/api/v1/certificates", KIOSK, Call(
        json={"query_id": world.queries[KIOSK], "record_ids": [MARRIAGE],
              "purpose": PURPOSE}), 201)["certificate_no"]

    number = world.ok("POST", "/national/api/v1/requests", NATIONAL, Call(
        json=SUBMISSION, headers={"Idempotency-Key": "world"}), 201)["request_no"]
    world.ok("POST", "/clerk/api/v1/requests/{no}/accept", RECEIVING, Call({"no": number},
                                                                            json={}))
    found = world.ok("POST", "/clerk/api/v1/requests/{no}/search", HOLDING,
                     Call({"no": number}))
    world.ok("POST", "/clerk/api/v1/requests/{no}/assist", HOLDING, Call(
        {"no": number}, json={"outcome": "found", "query_id": found["query_id"],
                              "record_ids": [EMPLOYMENT]}))
    done = world.ok("POST", "/clerk/api/v1/requests/{no}/complete", RECEIVING,
                    Call({"no": number}, json={"note": "已邮寄"}))
    assert done["state"] == "completed" and len(done["certificate_nos"]) == 1
    world.request_no, world.certificates["request"] = number, done["certificate_nos"][0]
    world.accepted_no = world.fresh_accepted()
    # the citizen's query offered records of Yongchuan and Jiangjin to confirm (to_confirm)
    world.confirming_no = world.ok("POST", "/mobile/api/v1/requests", CITIZEN, Call(json={
        "query_id": world.queries[CITIZEN], "receiving_archive": "510500"}), 201)["request_no"]
    world.ok("POST", "/clerk/api/v1/requests/{no}/accept", RECEIVING,
             Call({"no": world.confirming_no}, json={}))
    world.batch_id = world.ok("POST", "/api/v1/certificate-batches", ADMIN,
                              _batch_of_own(world, ADMIN), 202)["batch_id"]


def _username(caller: str) -> str:
    return caller.removeprefix("clerk.").replace("@", "-")


# -- what each operation is sent by each caller ------------------------------------------
# A body is the one this caller would send to succeed (its own query, its own archive's
# records), so that a refusal is the permission's and not a bad body's; the object acted
# on is the world's (the national request, 张国华's certificates), so that a refusal may
# also be its scope's ("not visible to them").

OWN_RECORD = {CITIZEN: MARRIAGE, OTHER_CITIZEN: OTHER_EMPLOYMENT, KIOSK: MARRIAGE,
              RECEIVING: MARRIAGE, ADMIN: MARRIAGE, HOLDING: EMPLOYMENT,
              UNINVOLVED: JIANGJIN_YOUTH}
Build = Callable[[World, str], Call]


def _certify_own(world: World, caller: str) -> Call:
    """Certify the caller's own record from the caller's own query (else 张国华's)."""
    owner = caller if caller in OWN_RECORD else CITIZEN
    return Call(json={"query_id": world.queries[owner], "record_ids": [OWN_RECORD[owner]],
                      "purpose": PURPOSE})


def _batch_of_own(world: World, caller: str) -> Call:
    """A batch of one certificate of the caller's own record (else 张国华's)."""
    return Call(json={"items": [_certify_own(world, caller).json]})


def _query(world: World, caller: str) -> Call:
    """A person asks about themselves (no subject); anyone else names 张国华."""
    if caller in (CITIZEN, OTHER_CITIZEN):
        return Call(json={"purpose": PURPOSE})
    return Call(json={"subject": SUBJECT, "purpose": PURPOSE})


def _finish(world: World, caller: str) -> Call:
    """The kiosk finishes a session of its own (opened at another device) and not the
    world's; anyone else presents their own credentials."""
    if caller != KIOSK:
        return Call()
    return Call(headers={"Authorization": f"Bearer {world.kiosk_session('LZ-HALL-02')}"})


def _own_fresh_token(world: World, caller: str) -> Call:
    """A clerk logs out of a token of its own made for it (the world's stays good); anyone
    else presents their own credentials."""
    if caller not in CLERKS:
        return Call()
    token = world.ok("POST", "/clerk/api/v1/login", None, Call(json={
        "username": _username(caller), "password": PASSWORD}))["token"]
    return Call(headers={"Authorization": f"Bearer {token}"})


def _request(world: World, caller: str) -> Call:
    return Call({"request_no": world.request_no})


def _none(world: World, caller: str) -> Call:
    return Call()


def _body(json: dict) -> Build:
    return lambda world, caller: Call(json=json)


OPERATIONS: dict[tuple[str, str], Build] = {
    # the hub's own API
    ("POST", "/api/v1/queries"): _query,
    ("GET", "/api/v1/queries/{query_id}"):
        lambda w, c: Call({"query_id": w.queries[RECEIVING]}),
    ("POST", "/api/v1/certificates"): _certify_own,
    ("GET", "/api/v1/certificates/{certificate_no}"):
        lambda w, c: Call({"certificate_no": w.certificates["request"]}),
    ("GET", "/api/v1/certificates/{certificate_no}/pdf"):
        lambda w, c: Call({"certificate_no": w.certificates["citizen"]}),
    ("POST", "/api/v1/certificates/{certificate_no}/revoke"):
        lambda w, c: Call({"certificate_no": w.fresh_certificate()},
                          json={"reason": "登记信息有误"}),
    ("POST", "/api/v1/certificate-batches"): _batch_of_own,
    ("GET", "/api/v1/certificate-batches/{batch_id}"):
        lambda w, c: Call({"batch_id": w.batch_id}),
    ("GET", "/api/v1/nodes"): _none,
    ("GET", "/.well-known/jwks.json"): _none,
    ("POST", "/api/v1/verify"): lambda w, c: Call(json={"token": w.verify_token}),
    # the app
    ("POST", "/mobile/api/v1/queries"): _body({"purpose": PURPOSE}),
    ("GET", "/mobile/api/v1/queries/{query_id}"):
        lambda w, c: Call({"query_id": w.queries[CITIZEN]}),
    ("GET", "/mobile/api/v1/certificates"): _none,
    ("POST", "/mobile/api/v1/certificates"): _certify_own,
    ("GET", "/mobile/api/v1/certificates/{certificate_no}"):
        lambda w, c: Call({"certificate_no": w.certificates["request"]}),
    ("GET", "/mobile/api/v1/certificates/{certificate_no}/pdf"):
        lambda w, c: Call({"certificate_no": w.certificates["citizen"]}),
    ("GET", "/mobile/api/v1/requests"): _none,
    ("POST", "/mobile/api/v1/requests"): _body({**APPLICATION, "receiving_archive": "510500"}),
    ("GET", "/mobile/api/v1/requests/{request_no}"): _request,
    ("GET", "/mobile/api/v1/archives"): _none,
    # the kiosk
    ("POST", "/kiosk/api/v1/sessions"): lambda w, c: Call(json={"assertion":
                                                                w.card_assertion()}),
    ("GET", "/kiosk/api/v1/session"): _none,
    ("POST", "/kiosk/api/v1/sessions/finish"): _finish,
    ("POST", "/kiosk/api/v1/records"): _body({"purpose": PURPOSE}),
    ("POST", "/kiosk/api/v1/certificates"):
        lambda w, c: Call(json={"query_id": w.queries[KIOSK], "record_ids": [MARRIAGE],
                                "purpose": PURPOSE}),
    ("GET", "/kiosk/api/v1/certificates/{certificate_no}/pdf"):
        lambda w, c: Call({"certificate_no": w.certificates["kiosk"]}),
    ("POST", "/kiosk/api/v1/requests"): _body(APPLICATION),
    # the clerks
    ("POST", "/clerk/api/v1/login"): _body({"username": _username(RECEIVING),
                                            "password": PASSWORD}),
    ("POST", "/clerk/api/v1/logout"): _own_fresh_token,
    ("GET", "/clerk/api/v1/requests"): _none,
    ("POST", "/clerk/api/v1/requests"): _body(ON_BEHALF),
    ("GET", "/clerk/api/v1/requests/overdue"): _none,
    ("GET", "/clerk/api/v1/requests/reminders"): _none,
    ("GET", "/clerk/api/v1/requests/{request_no}"): _request,
    ("POST", "/clerk/api/v1/requests/{request_no}/accept"):
        lambda w, c: Call({"request_no": w.fresh_applied()}, json={"reason": "材料齐全"}),
    ("POST", "/clerk/api/v1/requests/{request_no}/search"):
        lambda w, c: Call({"request_no": w.accepted_no}),
    ("POST", "/clerk/api/v1/requests/{request_no}/assist"):
        lambda w, c: Call({"request_no": w.fresh_accepted()},
                          json={"outcome": "not_found", "note": "未查到"}),
    ("POST", "/clerk/api/v1/requests/{request_no}/complete"):
        lambda w, c: Call({"request_no": w.fresh_answered()}, json={"note": "已邮寄"}),
    ("POST", "/clerk/api/v1/requests/{request_no}/refuse"):
        lambda w, c: Call({"request_no": w.fresh_accepted()},
                          json={"reason": "授权委托书不完整"}),
    ("GET", "/clerk/api/v1/requests/{request_no}/candidates"):
        lambda w, c: Call({"request_no": w.confirming_no}),
    ("POST", "/clerk/api/v1/requests/{request_no}/candidates"):
        lambda w, c: Call({"request_no": w.confirming_no}, json={
            "record_id": JIANGJIN_YOUTH if c == UNINVOLVED else EMPLOYMENT, "party": 0,
            "decision": "confirmed", "note": "核对原件，确系本人"}),
    # the national platform
    ("POST", "/national/api/v1/token"): lambda w, c: Call(form=w.token_form()),
    ("GET", "/national/api/v1/keys"): _none,
    ("POST", "/national/api/v1/requests"):
        lambda w, c: Call(json=SUBMISSION, headers={"Idempotency-Key": uuid.uuid4().hex}),
    ("GET", "/national/api/v1/requests/{request_no}"): _request,
    ("GET", "/national/api/v1/requests/{request_no}/result"): _request,
    ("GET", "/national/api/v1/requests/{request_no}/certificates/{certificate_no}/pdf"):
        lambda w, c: Call({"request_no": w.request_no,
                           "certificate_no": w.certificates["request"]}),
}


def documented_operations(client: FlaskClient) -> set[tuple[str, str]]:
    """Every (method, path template) of every OpenAPI document the hub serves."""
    found = set()
    for document in sorted(DOCUMENTS):
        spec = client.get(document)
        assert spec.status_code == 200, document
        for path, item in spec.get_json()["paths"].items():
            found |= {(method.upper(), path) for method in item
                      if method in ("get", "put", "post", "patch", "delete")}
    return found
