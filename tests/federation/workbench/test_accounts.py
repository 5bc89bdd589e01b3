"""Clerk accounts: hashed passwords, one answer for every failed login, roles carried into
the token, a clerk of several archives choosing one, throttling, and the audit of it all."""

import json
import time

import jwt
import pytest
from sqlalchemy import select

from accounts.clerks import (
    ArchiveChoiceNeeded,
    ClerkExists,
    LoginFailed,
    change_password,
    create_clerk,
    deactivate,
    login,
)
from accounts.models import Clerk
from federation.audit import AuditEvent, verify_chain
from federation.identity import identify
from federation.ratelimit import Limits, LoginThrottle, RateLimited
from runtime.errors import InvalidInput
from tests.federation.workbench.conftest import PASSWORD, bearer
from tests.federation.workbench.conftest import login as api_login


@pytest.fixture
def settings(hub):  # type: ignore[no-untyped-def]
    return hub.extensions["liancha.hub"]


def who(settings, token: str):  # type: ignore[no-untyped-def]
    return identify(f"Bearer {token}", settings.identity_public_key,
                    settings.signing_key.public_key())


def test_the_password_is_stored_as_a_scrypt_hash_only(session, clerks):
    stored = session.scalars(select(Clerk).where(Clerk.username == "wang")).one()
    assert stored.password_hash.startswith("scrypt:")
    assert PASSWORD not in stored.password_hash
    logged = " ".join(e.detail or "" for e in session.scalars(select(AuditEvent)))
    assert "clerk.created" in {e.action for e in session.scalars(select(AuditEvent))}
    assert PASSWORD not in logged


def test_roles_of_the_archive_go_into_the_token(session, settings, clerks):
    granted = login(session, settings, fresh_throttle(), "wang", PASSWORD)
    assert granted["archive"] == "510500" and granted["roles"] == ["receiving"]
    assert granted["expires_in"] == 8 * 3600
    identity = who(settings, granted["token"])
    assert identity.role == "clerk" and identity.subject == "clerk:wang"
    assert identity.archive == "510500" and identity.roles == {"receiving"}


def test_a_clerk_of_several_archives_chooses_one(session, settings, clerks):
    with pytest.raises(ArchiveChoiceNeeded) as needed:
        login(session, settings, fresh_throttle(), "sun", PASSWORD)
    assert needed.value.archives == ["500118", "510500"]
    with pytest.raises(ArchiveChoiceNeeded):  # not one of hers
        login(session, settings, fresh_throttle(), "sun", PASSWORD, "500116")
    there = login(session, settings, fresh_throttle(), "sun", PASSWORD, "500118")
    assert there["archive"] == "500118" and there["roles"] == ["holding"]
    assert who(settings, there["token"]).roles == {"holding"}


def test_every_failed_login_answers_the_same(session, settings, clerks):
    create_clerk(session, "gone", "离职人员", PASSWORD, [("510500", "receiving")])
    deactivate(session, "gone")
    answers = []
    for username, password in (("wang", "wrong password!"), ("nobody", PASSWORD),
                               ("gone", PASSWORD)):
        with pytest.raises(LoginFailed) as failed:
            login(session, settings, fresh_throttle(), username, password)
        answers.append((failed.value.status, failed.value.detail, failed.value.zh))
    assert len(set(answers)) == 1 and answers[0][0] == 401


def test_the_answer_over_http_does_not_tell_who_exists(hub, clerks):
    client = hub.test_client()
    unknown = client.post("/clerk/api/v1/login", json={"username": "nobody",
                                                       "password": PASSWORD})
    wrong = client.post("/clerk/api/v1/login", json={"username": "wang", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json == wrong.json
    assert unknown.headers["Content-Type"] == "application/problem+json"


def test_logins_are_audited_without_the_password(session, settings, clerks):
    login(session, settings, fresh_throttle(), "wang", PASSWORD)
    with pytest.raises(LoginFailed):
        login(session, settings, fresh_throttle(), "wang", "a wrong password")
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["clerk.login", "clerk.login_failed"]))
        .order_by(AuditEvent.id)).all()
    assert [(e.action, json.loads(e.detail)["outcome"]) for e in events] == [
        ("clerk.login", "ok"), ("clerk.login_failed", "wrong_password")]
    assert all(e.actor == "clerk:wang" for e in events)
    assert not any("wrong password" in (e.detail or "") or PASSWORD in (e.detail or "")
                   for e in events)
    assert verify_chain(session).ok


def test_repeated_failures_are_throttled_then_forgiven(session, settings, clerks):
    throttle = LoginThrottle(Limits(), per_user=5, per_address=8, window_s=2)
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(session, settings, throttle, "wang", "not the password", address="6.6.6.6")
    with pytest.raises(RateLimited) as limited:  # even the right password, from there
        login(session, settings, throttle, "wang", PASSWORD, address="6.6.6.6")
    assert int(limited.value.headers["Retry-After"]) == 2
    # the owner elsewhere is not locked out by someone's flood of wrong passwords
    assert login(session, settings, throttle, "wang", PASSWORD, address="10.1.2.3")
    login(session, settings, throttle, "chen", PASSWORD, address="6.6.6.6")  # other users
    for username in ("chen", "liu", "zhao"):  # the address's own budget runs out too
        with pytest.raises(LoginFailed):
            login(session, settings, throttle, username, "guess", address="6.6.6.6")
    with pytest.raises(RateLimited):
        login(session, settings, throttle, "liu", PASSWORD, address="6.6.6.6")
    time.sleep(2.1)
    assert login(session, settings, throttle, "wang", PASSWORD,
                 address="6.6.6.6")["archive"] == "510500"
    outcomes = [json.loads(e.detail)["outcome"] for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "clerk.login_failed"))]
    assert outcomes.count("throttled") == 2 and outcomes.count("wrong_password") == 8


def fresh_throttle() -> LoginThrottle:
    return LoginThrottle(Limits())


def test_the_api_answers_429_after_five_failures(hub, clerks):
    client = hub.test_client()
    for _ in range(5):
        assert client.post("/clerk/api/v1/login", json={
            "username": "liu", "password": "guess-guess"}).status_code == 401
    held = client.post("/clerk/api/v1/login", json={"username": "liu", "password": PASSWORD})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0


def test_a_disabled_clerk_is_refused_and_their_token_stops_working(hub, session, clerks):
    client = hub.test_client()
    token = api_login(client, "wang")
    assert client.get("/clerk/api/v1/requests", headers=bearer(token)).status_code == 200
    deactivate(session, "wang")
    assert client.get("/clerk/api/v1/requests", headers=bearer(token)).status_code == 401
    assert client.post("/clerk/api/v1/login", json={"username": "wang",
                                                    "password": PASSWORD}).status_code == 401


def test_a_changed_password_replaces_the_old_one(session, settings, clerks):
    change_password(session, "chen", "a brand new secret")
    with pytest.raises(LoginFailed):
        login(session, settings, fresh_throttle(), "chen", PASSWORD)
    assert login(session, settings, fresh_throttle(), "chen", "a brand new secret")["roles"] \
        == ["holding"]


def test_a_changed_password_ends_the_tokens_issued_before(hub, session, clerks):
    client = hub.test_client()
    old = api_login(client, "wang")
    assert client.get("/clerk/api/v1/requests", headers=bearer(old)).status_code == 200
    change_password(session, "wang", "a brand new secret")
    refused = client.get("/clerk/api/v1/requests", headers=bearer(old))
    assert refused.status_code == 401 and "password" in refused.json["detail"]
    assert client.get("/api/v1/nodes", headers=bearer(old)).status_code == 401  # hub API too
    new = client.post("/clerk/api/v1/login", json={"username": "wang",
                                                    "password": "a brand new secret"})
    assert new.status_code == 200
    assert client.get("/clerk/api/v1/requests",
                      headers=bearer(new.json["token"])).status_code == 200


def test_accounts_are_checked_when_created(session, clerks):
    with pytest.raises(ClerkExists):
        create_clerk(session, "wang", "王芳", PASSWORD, [("510500", "receiving")])
    with pytest.raises(InvalidInput) as bad:
        create_clerk(session, "ok-name", "", "short", [("5105", "boss")])
    assert set(bad.value.errors) == {"archive", "roles", "display_name", "password"}
    with pytest.raises(InvalidInput) as bad_username:
        create_clerk(session, "Bad Name!", "某人", PASSWORD, [("510500", "holding")])
    assert set(bad_username.value.errors) == {"username"}


def test_a_token_says_nothing_of_the_password(session, settings, clerks):
    token = login(session, settings, fresh_throttle(), "wang", PASSWORD)["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert PASSWORD not in json.dumps(claims, ensure_ascii=False)
    assert claims["iss"] == "liancha-hub" and claims["jti"]
