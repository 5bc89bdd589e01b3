"""While the hub's database cannot be reached, each surface says so: a 503 with Retry-After,
a problem on the APIs and a page on the workbench, never a 500.

The hub here points at a PostgreSQL port where nothing listens (refused at once, on either
test database); a restart under load is `tests/faults/test_postgres_restart.py`.
"""

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from federation.app import create_app as create_hub
from federation.identity import mint_clerk_token
from schemas.signing import generate_key_pair
from workbench import wording
from workbench.cookies import TOKEN_COOKIE

NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:9/hub"


@pytest.fixture
def hub(nodes, tmp_path: Path) -> FlaskClient:  # type: ignore[no-untyped-def]
    base, _ = nodes
    _, identity_public = generate_key_pair(tmp_path / "identity")
    app = create_hub({"NODES": base / "nodes.yaml", "DATABASE_URL": NOWHERE,
                      "UPGRADE_SCHEMA": False, "CALLBACK_POLL_S": 0,
                      "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                      "IDENTITY_PUBLIC_KEY": identity_public,
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys"})
    return app.test_client()


def clerk_token(hub: FlaskClient) -> str:
    key = hub.application.extensions["liancha.hub"].signing_key
    return mint_clerk_token(key, "wang", "510500", ["receiving"])


def test_the_api_answers_a_503_problem(hub: FlaskClient):
    answer = hub.get("/api/v1/queries/0123", headers={
        "Authorization": f"Bearer {clerk_token(hub)}"})
    assert answer.status_code == 503
    assert answer.content_type == "application/problem+json"
    assert answer.headers["Retry-After"] == "5"


def test_a_workbench_page_says_the_database_is_away(hub: FlaskClient):
    hub.set_cookie(TOKEN_COOKIE, clerk_token(hub), path="/workbench")
    for path in ("/workbench/", "/workbench/overdue"):
        page = hub.get(path)
        assert page.status_code == 503, path
        assert page.content_type.startswith("text/html")
        assert page.headers["Retry-After"] == "5"
        assert wording.DATABASE_AWAY in page.get_data(as_text=True)


def test_the_workbench_login_says_the_database_is_away(hub: FlaskClient):
    form = hub.get("/workbench/login")
    assert form.status_code == 200  # the form itself needs no database
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    page = hub.post("/workbench/login", data={"csrf": csrf, "username": "wang",
                                              "password": "窗口-correct-horse"})
    assert page.status_code == 503
    assert page.content_type.startswith("text/html")
    assert page.headers["Retry-After"] == "5"
