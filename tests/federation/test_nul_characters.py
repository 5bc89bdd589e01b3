"""A NUL character (U+0000) anywhere in a request is a 400, on every surface, before any
view: PostgreSQL's text cannot hold one, and the statements that met one failed (a 500)."""

import pytest

from tests.federation.test_queries import SUBJECT

NUL_REQUESTS = [  # (caller, method, path, keyword arguments of the test client)
    ("clerk", "GET", "/api/v1/queries/q%00", {}),
    ("clerk", "GET", "/api/v1/certificates/510500-2026-1%00", {}),
    ("clerk", "POST", "/api/v1/queries",
     {"json": {"subject": {"name": "张三"}, "purpose": "核对\x00"}}),
    ("clerk", "POST", "/api/v1/queries",
     {"json": {"subject": {"name": "张三", "\x00": "x"}, "purpose": "核对"}}),
    ("clerk", "GET", "/clerk/api/v1/requests?state=%00", {}),
    ("clerk", "GET", "/clerk/api/v1/requests/SQ510500-2026-00001%00", {}),
    ("citizen", "POST", "/mobile/api/v1/queries", {"json": {"purpose": ["退休", "\x00"]}}),
    ("citizen", "GET", "/mobile/api/v1/requests/SQ%00", {}),
    (None, "POST", "/clerk/api/v1/login", {"json": {"username": "wang\x00", "password": "x"}}),
    (None, "POST", "/national/api/v1/token", {"data": {"grant_type": "client_credentials\x00"}}),
    (None, "POST", "/kiosk/api/v1/sessions", {"headers": {"Authorization": "Bearer a\x00"}}),
]


@pytest.mark.parametrize(("caller", "method", "path", "kwargs"), NUL_REQUESTS)
def test_a_nul_character_is_a_400_problem(federation, caller, method, path, kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if caller == "clerk":
        headers["Authorization"] = f"Bearer {federation.token()}"
    elif caller == "citizen":
        headers["Authorization"] = f"Bearer {federation.token('citizen', **SUBJECT)}"
    answer = federation.hub.open(path, method=method, headers=headers, **kwargs)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"


def test_the_text_backslash_u0000_is_no_nul(federation):
    """Only a real NUL is refused: a purpose that spells `\\u0000` out is plain text."""
    answer = federation.query({"subject": SUBJECT, "purpose": "核对 \\u0000"})
    assert answer.status_code == 200, answer.json
