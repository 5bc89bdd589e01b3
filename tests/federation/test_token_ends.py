"""Tokens end when they should: a clerk's logout ends that token at once (API and
workbench 退出); a change of roles or password, or disabling, ends the earlier tokens; an
app token meant to live too long is refused; over-long ids are refused, not stored."""

import time

import jwt
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.clerks import change_password, create_clerk, deactivate, set_roles
from accounts.kiosks import register_device
from accounts.platform import register_client, token_audience
from federation.identity import mint_identity_token
from kiosk_api.reader import Card, mint_card_assertion
from liancha.cli import main
from schemas.signing import public_pem
from tests.federation.test_queries import SUBJECT

PASSWORD = "窗口-correct-horse"


def login(client, username: str) -> str:  # type: ignore[no-untyped-def]
    answer = client.post("/clerk/api/v1/login", json={"username": username,
                                                      "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return answer.json["token"]


def requests_of(client, token: str) -> int:  # type: ignore[no-untyped-def]
    return client.get("/clerk/api/v1/requests",
                      headers={"Authorization": f"Bearer {token}"}).status_code


def clerk(federation, username: str = "wang", roles=(("510500", "receiving"),)):  # type: ignore[no-untyped-def]
    session = federation.hub.application.extensions["liancha.db"].session()
    try:
        create_clerk(session, username, "王芳", PASSWORD, list(roles))
    finally:
        session.close()
    return federation.hub.application.extensions["liancha.db"].session


def test_logout_ends_that_token_at_once(federation):
    clerk(federation)
    client = federation.hub
    first, second = login(client, "wang"), login(client, "wang")
    out = client.post("/clerk/api/v1/logout", headers={"Authorization": f"Bearer {first}"})
    assert out.status_code == 204
    assert requests_of(client, first) == 401
    again = client.post("/clerk/api/v1/logout", headers={"Authorization": f"Bearer {first}"})
    assert again.status_code == 401  # a replayed token after logout: refused
    assert requests_of(client, second) == 200  # the clerk's other session goes on


def test_the_workbench_logout_ends_the_cookies_token(federation):
    clerk(federation)
    browser = federation.hub.application.test_client()
    form = browser.get("/workbench/login")
    csrf = form.get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
    logged_in = browser.post("/workbench/login", data={"username": "wang",
                                                       "password": PASSWORD, "csrf": csrf})
    assert logged_in.status_code == 303
    token = browser.get_cookie("liancha_clerk", path="/workbench").value
    queue = browser.get("/workbench/").get_data(as_text=True)
    csrf = queue.split('name="csrf" value="')[1].split('"')[0]
    assert browser.post("/workbench/logout", data={"csrf": csrf}).status_code == 303
    assert requests_of(federation.hub, token) == 401  # a copy of the cookie is worthless


def test_changing_roles_password_or_disabling_ends_earlier_tokens(federation):
    opened = clerk(federation)
    client = federation.hub
    token = login(client, "wang")
    with opened() as session:
        set_roles(session, "wang", [("510500", "receiving"), ("510500", "admin")])
    assert requests_of(client, token) == 401
    token = login(client, "wang")
    assert jwt.decode(token, options={"verify_signature": False})["roles"] == [
        "admin", "receiving"]
    with opened() as session:
        change_password(session, "wang", "a brand new secret")
    assert requests_of(client, token) == 401
    with opened() as session:
        change_password(session, "wang", PASSWORD)
    token = login(client, "wang")
    with opened() as session:
        deactivate(session, "wang")
    assert requests_of(client, token) == 401


def test_the_roles_command(federation, database_url):
    clerk(federation)
    token = login(federation.hub, "wang")
    changed = CliRunner().invoke(main, ["clerk", "roles", "wang", "--database-url", database_url,
                                        "--archive", "500118", "--role", "holding"])
    assert changed.exit_code == 0, changed.output
    assert "500118:holding" in changed.output and "earlier tokens ended" in changed.output
    assert requests_of(federation.hub, token) == 401
    assert jwt.decode(login(federation.hub, "wang"), options={"verify_signature": False})[
        "archive"] == "500118"


def test_app_tokens_meant_to_live_too_long_are_refused(federation):
    long_lived = mint_identity_token(federation.identity_key, "citizen", lifetime_s=13 * 3600,
                                     **SUBJECT)
    refused = federation.hub.get("/mobile/api/v1/archives",
                                 headers={"Authorization": f"Bearer {long_lived}"})
    assert refused.status_code == 401
    day = mint_identity_token(federation.identity_key, "citizen", lifetime_s=12 * 3600,
                              **SUBJECT)
    assert federation.hub.get("/mobile/api/v1/archives", headers={
        "Authorization": f"Bearer {day}"}).status_code == 200


def test_a_verification_url_of_another_site_says_so(federation):
    for url in ("https://evil.example.org/v/abc.def.ghi",
                "http://127.0.0.1:8100.evil.example/v/abc.def.ghi"):
        answer = federation.hub.post("/api/v1/verify", json={"url": url})
        assert answer.status_code == 200 and answer.json["status"] == "foreign_url", url
        assert answer.json["certificate"] is None


def test_over_long_jtis_are_refused_not_stored(federation):
    """A kiosk card read and a platform client assertion, rightly signed by registered
    callers, with a jti longer than any column: 401, before the database (a 500 on
    PostgreSQL before)."""
    app = federation.hub.application
    settings = app.extensions["liancha.hub"]
    device_key, client_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with app.extensions["liancha.db"].session() as session:
        register_device(session, "LZ-HALL-09", "510500", "大厅", public_pem(
            device_key.public_key()).decode(), {node.code for node in settings.nodes})
        register_client(session, "nprs", "平台", public_pem(client_key.public_key()).decode())
    card = mint_card_assertion(device_key, "LZ-HALL-09", Card(SUBJECT["id_number"], "张国华"),
                               jti="j" * 5000)
    opened = federation.hub.post("/kiosk/api/v1/sessions", json={"assertion": card})
    assert opened.status_code == 401 and opened.mimetype == "application/problem+json"
    now = int(time.time())
    assertion = jwt.encode({"iss": "nprs", "sub": "nprs", "aud": token_audience(settings),
                            "iat": now, "exp": now + 60, "jti": "j" * 5000}, client_key,
                           algorithm="EdDSA")
    token = federation.hub.post("/national/api/v1/token", data={
        "grant_type": "client_credentials", "client_assertion": assertion,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"})
    assert token.status_code == 401 and token.json["error"] == "invalid_client"
