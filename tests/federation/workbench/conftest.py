"""Clerk accounts of three archives in the test federation, and logging them in.

王芳 (wang) receives at Luzhou; 陈静 (chen) searches for Yongchuan, 刘洋 (liu) for Jiangjin;
赵敏 (zhao) only searches at Luzhou; 孙丽 (sun) works at Luzhou and at Yongchuan.
"""

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from accounts.clerks import create_clerk
from tests.federation.test_queries import SUBJECT
from tests.nodes.people import id18

PASSWORD = "窗口-correct-horse"
CLERKS = {
    "wang": ("王芳", [("510500", "receiving")]),
    "chen": ("陈静", [("500118", "holding")]),
    "liu": ("刘洋", [("500116", "holding")]),
    "zhao": ("赵敏", [("510500", "holding")]),
    "sun": ("孙丽", [("510500", "receiving"), ("500118", "holding")]),
}
COUNTER = {"subject": SUBJECT, "purpose": "退休工龄认定",
           "applicant": {"name": "张小华", "relation": "child"},
           "documents": [{"kind": "id_card", "number": SUBJECT["id_number"]},
                         {"kind": "letter_of_authorization", "note": "2026-11-20 签署"}],
           "holding_archives": ["500118", "500116"]}


@pytest.fixture
def hub(federation) -> Flask:  # type: ignore[no-untyped-def]
    return federation.hub.application


@pytest.fixture
def session(hub: Flask) -> Iterator[Session]:
    opened = hub.extensions["liancha.db"].session()
    yield opened
    opened.close()


@pytest.fixture
def clerks(session: Session) -> dict[str, str]:
    """Every account of CLERKS, created; the usernames."""
    for username, (name, roles) in CLERKS.items():
        create_clerk(session, username, name, PASSWORD, roles)
    return {username: username for username in CLERKS}


def login(client, username: str, archive: str | None = None) -> str:  # type: ignore[no-untyped-def]
    body = {"username": username, "password": PASSWORD}
    if archive:
        body["archive"] = archive
    response = client.post("/clerk/api/v1/login", json=body)
    assert response.status_code == 200, response.json
    return response.json["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


API = "/clerk/api/v1"
NOBODY = {"id_number": id18("11010519491231002"), "name": "王小明"}  # in no catalogue


@pytest.fixture
def client(hub, clerks):  # type: ignore[no-untyped-def]
    return hub.test_client()


def post(client, path: str, token: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(f"{API}{path}", json=body if body is not None else {},
                       headers=bearer(token))
