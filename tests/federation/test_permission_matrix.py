"""The permission matrix (`docs/permissions.md`, `federation/permissions.py`) as a test over
every operation of every OpenAPI document the hub serves and every kind of caller.

EXPECTED gives, for each operation, the exact status each caller gets (in CALLERS order):
2xx for a caller the matrix lets act on the world's object; 401 without a credential this
way in accepts (no token; a kiosk session anywhere but the kiosk API; a token at the kiosk
API); 403 when the way in is not theirs or the matrix refuses the action; 404 when the
object is not theirs to see (ids reveal nothing). What each cell sends is in
`permission_world.OPERATIONS`. A new operation in any document fails
`test_every_documented_operation_has_expectations` until it has its row here.

Where the docs and the code disagree the row says what the docs call for (marked DOCS).
"""

from collections.abc import Iterator

import pytest

from federation.permissions import MATRIX
from tests.federation.permission_world import (
    CALLERS,
    CLERKS,
    DOCUMENTS,
    KIOSK,
    OPERATIONS,
    RECEIVING,
    World,
    build_world,
    close_world,
    documented_operations,
    module_database,
)

# The bodies of the flask-smorest views are validated after the surface has authenticated
# the caller (before_request) but before the service's `require`: every cell sends a body
# valid for its caller, so a 403 is never hidden behind a 422.
# Columns: anonymous, citizen (张国华), other citizen, kiosk (张国华 at a Luzhou kiosk),
# clerk.receiving@510500, clerk.holding@500118, clerk.admin@510500, clerk.holding@500116,
# national (the client that submitted the request), another national client.
EXPECTED: dict[tuple[str, str], tuple[int, ...]] = {
    # the hub's own API (developers, clerks; a citizen's token works too, a kiosk's not)
    #    anon cit  oth  kio  rcv  h118 adm  h116 nat  o-nat
    ("POST", "/api/v1/queries"):
        (401, 200, 200, 401, 200, 200, 200, 200, 403, 403),
    # a query of Luzhou's receiving clerk: its author and the clerks of its archive
    ("GET", "/api/v1/queries/{query_id}"):
        (401, 404, 404, 401, 200, 404, 200, 404, 403, 403),
    # each caller issues from its own query (clerks: their archive's)
    ("POST", "/api/v1/certificates"):
        (401, 403, 403, 401, 403, 201, 201, 201, 403, 403),
    # Yongchuan's certificate completing the national request: its holder, Yongchuan's
    # clerks, and (DOCS: certificate.read, "the platform client whose request it
    # completes") the national client
    ("GET", "/api/v1/certificates/{certificate_no}"):
        (401, 200, 404, 401, 404, 200, 404, 404, 200, 404),
    # 张国华's own Luzhou certificate: its holder and Luzhou's clerks
    ("GET", "/api/v1/certificates/{certificate_no}/pdf"):
        (401, 200, 404, 401, 200, 404, 200, 404, 404, 404),
    # a fresh Luzhou certificate each: read first (404 if not visible), then the matrix
    ("POST", "/api/v1/certificates/{certificate_no}/revoke"):
        (401, 403, 404, 401, 403, 404, 200, 404, 404, 404),
    # a batch of one certificate from the caller's own query (clerks: their archive's)
    ("POST", "/api/v1/certificate-batches"):
        (401, 403, 403, 401, 403, 202, 202, 202, 403, 403),
    # Luzhou's admin's batch: Luzhou's clerks who issue
    ("GET", "/api/v1/certificate-batches/{batch_id}"):
        (401, 403, 403, 401, 403, 404, 200, 404, 403, 403),
    # every archive's health, as probed: clerks
    ("GET", "/api/v1/nodes"):
        (401, 403, 403, 401, 200, 200, 200, 200, 403, 403),
    # verification is open to anyone, whatever credentials come with it
    ("GET", "/.well-known/jwks.json"):
        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/v1/verify"):
        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # the app: citizens only; the world's objects are 张国华's
    #    anon cit  oth  kio  rcv  h118 adm  h116 nat  o-nat
    ("POST", "/mobile/api/v1/queries"):
        (401, 200, 200, 401, 403, 403, 403, 403, 403, 403),
    ("GET", "/mobile/api/v1/queries/{query_id}"):
        (401, 200, 404, 401, 403, 403, 403, 403, 403, 403),
    ("GET", "/mobile/api/v1/certificates"):
        (401, 200, 200, 401, 403, 403, 403, 403, 403, 403),
    ("POST", "/mobile/api/v1/certificates"):
        (401, 201, 201, 401, 403, 403, 403, 403, 403, 403),
    ("GET", "/mobile/api/v1/certificates/{certificate_no}"):
        (401, 200, 404, 401, 403, 403, 403, 403, 403, 403),
    ("GET", "/mobile/api/v1/certificates/{certificate_no}/pdf"):
        (401, 200, 404, 401, 403, 403, 403, 403, 403, 403),
    ("GET", "/mobile/api/v1/requests"):
        (401, 200, 200, 401, 403, 403, 403, 403, 403, 403),
    ("POST", "/mobile/api/v1/requests"):
        (401, 201, 201, 401, 403, 403, 403, 403, 403, 403),
    ("GET", "/mobile/api/v1/requests/{request_no}"):
        (401, 200, 404, 401, 403, 403, 403, 403, 403, 403),
    ("GET", "/mobile/api/v1/archives"):
        (401, 200, 200, 401, 403, 403, 403, 403, 403, 403),
    # the kiosk: a session opened by a signed card read, and nothing else
    #    anon cit  oth  kio  rcv  h118 adm  h116 nat  o-nat
    ("POST", "/kiosk/api/v1/sessions"):
        (201, 201, 201, 201, 201, 201, 201, 201, 201, 201),
    ("GET", "/kiosk/api/v1/session"):
        (401, 401, 401, 200, 401, 401, 401, 401, 401, 401),
    ("POST", "/kiosk/api/v1/sessions/finish"):
        (401, 401, 401, 204, 401, 401, 401, 401, 401, 401),
    ("POST", "/kiosk/api/v1/records"):
        (401, 401, 401, 200, 401, 401, 401, 401, 401, 401),
    ("POST", "/kiosk/api/v1/certificates"):
        (401, 401, 401, 201, 401, 401, 401, 401, 401, 401),
    ("GET", "/kiosk/api/v1/certificates/{certificate_no}/pdf"):
        (401, 401, 401, 200, 401, 401, 401, 401, 401, 401),
    ("POST", "/kiosk/api/v1/requests"):
        (401, 401, 401, 201, 401, 401, 401, 401, 401, 401),
    # the clerks: login is open (the password is the credential); the rest is for clerks;
    # the request is received by Luzhou and asks Yongchuan, Jiangjin is not involved
    #    anon cit  oth  kio  rcv  h118 adm  h116 nat  o-nat
    ("POST", "/clerk/api/v1/login"):
        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # logout ends the token it is called with: each clerk logs out of a fresh one
    ("POST", "/clerk/api/v1/logout"):
        (401, 403, 403, 401, 204, 204, 204, 204, 403, 403),
    ("GET", "/clerk/api/v1/requests"):
        (401, 403, 403, 401, 200, 200, 200, 200, 403, 403),
    ("POST", "/clerk/api/v1/requests"):
        (401, 403, 403, 401, 201, 403, 201, 403, 403, 403),
    ("GET", "/clerk/api/v1/requests/overdue"):
        (401, 403, 403, 401, 200, 200, 200, 200, 403, 403),
    ("GET", "/clerk/api/v1/requests/reminders"):
        (401, 403, 403, 401, 200, 200, 200, 200, 403, 403),
    ("GET", "/clerk/api/v1/requests/{request_no}"):
        (401, 403, 403, 401, 200, 200, 200, 404, 403, 403),
    # accept, assist, complete, refuse: a fresh request each (the matrix before the read)
    ("POST", "/clerk/api/v1/requests/{request_no}/accept"):
        (401, 403, 403, 401, 200, 403, 200, 403, 403, 403),
    # search: the read first; Yongchuan for its part, Luzhou towards completion
    ("POST", "/clerk/api/v1/requests/{request_no}/search"):
        (401, 403, 403, 401, 200, 200, 200, 404, 403, 403),
    # assist: Luzhou's admin may assist, but this request does not ask Luzhou
    ("POST", "/clerk/api/v1/requests/{request_no}/assist"):
        (401, 403, 403, 401, 403, 200, 403, 404, 403, 403),
    ("POST", "/clerk/api/v1/requests/{request_no}/complete"):
        (401, 403, 403, 401, 200, 403, 200, 403, 403, 403),
    # refuse: Luzhou refuses the request, Yongchuan declines its own part
    ("POST", "/clerk/api/v1/requests/{request_no}/refuse"):
        (401, 403, 403, 401, 200, 200, 200, 404, 403, 403),
    # 张国华's request to confirm what his query offered: received by Luzhou, asking
    # Yongchuan and Jiangjin, each for the records it holds (Luzhou's admin: none)
    ("GET", "/clerk/api/v1/requests/{request_no}/candidates"):
        (401, 403, 403, 401, 403, 200, 403, 200, 403, 403),
    ("POST", "/clerk/api/v1/requests/{request_no}/candidates"):
        (401, 403, 403, 401, 403, 200, 403, 200, 403, 403),
    # the national platform: the token endpoint is open (the signed assertion is the
    # credential); the requests are the submitting client's
    #    anon cit  oth  kio  rcv  h118 adm  h116 nat  o-nat
    ("POST", "/national/api/v1/token"):
        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/national/api/v1/keys"):
        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/national/api/v1/requests"):
        (401, 403, 403, 401, 403, 403, 403, 403, 201, 201),
    ("GET", "/national/api/v1/requests/{request_no}"):
        (401, 403, 403, 401, 403, 403, 403, 403, 200, 404),
    ("GET", "/national/api/v1/requests/{request_no}/result"):
        (401, 403, 403, 401, 403, 403, 403, 403, 200, 404),
    ("GET", "/national/api/v1/requests/{request_no}/certificates/{certificate_no}/pdf"):
        (401, 403, 403, 401, 403, 403, 403, 403, 200, 404),
}

# The matrix actions each operation takes (none: open to anyone, or no action of the
# matrix); `test_every_success_is_allowed_by_the_matrix` ties EXPECTED to MATRIX.
ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/api/v1/queries"): ("query.self", "query.subject"),
    ("GET", "/api/v1/queries/{query_id}"): ("query.read",),
    ("POST", "/api/v1/certificates"): ("certificate.issue",),
    ("GET", "/api/v1/certificates/{certificate_no}"): ("certificate.read",),
    ("GET", "/api/v1/certificates/{certificate_no}/pdf"): ("certificate.read",),
    ("POST", "/api/v1/certificates/{certificate_no}/revoke"): ("certificate.revoke",),
    ("POST", "/api/v1/certificate-batches"): ("certificate.batch",),
    ("GET", "/api/v1/certificate-batches/{batch_id}"): ("certificate.batch",),
    ("GET", "/api/v1/nodes"): ("node.health",),
    ("POST", "/mobile/api/v1/queries"): ("query.self",),
    ("GET", "/mobile/api/v1/queries/{query_id}"): ("query.read",),
    ("GET", "/mobile/api/v1/certificates"): ("certificate.read",),
    ("POST", "/mobile/api/v1/certificates"): ("certificate.self_issue",),
    ("GET", "/mobile/api/v1/certificates/{certificate_no}"): ("certificate.read",),
    ("GET", "/mobile/api/v1/certificates/{certificate_no}/pdf"): ("certificate.read",),
    ("GET", "/mobile/api/v1/requests"): ("request.read",),
    ("POST", "/mobile/api/v1/requests"): ("request.apply",),
    ("GET", "/mobile/api/v1/requests/{request_no}"): ("request.read",),
    ("POST", "/kiosk/api/v1/records"): ("query.self",),
    ("POST", "/kiosk/api/v1/certificates"): ("certificate.self_issue",),
    ("GET", "/kiosk/api/v1/certificates/{certificate_no}/pdf"): ("certificate.read",),
    ("POST", "/kiosk/api/v1/requests"): ("request.apply",),
    ("GET", "/clerk/api/v1/requests"): ("request.list",),
    ("POST", "/clerk/api/v1/requests"): ("request.apply",),
    ("GET", "/clerk/api/v1/requests/overdue"): ("request.list",),
    ("GET", "/clerk/api/v1/requests/reminders"): ("reminder.list",),
    ("GET", "/clerk/api/v1/requests/{request_no}"): ("request.read",),
    ("POST", "/clerk/api/v1/requests/{request_no}/accept"): ("request.accept",),
    ("POST", "/clerk/api/v1/requests/{request_no}/search"): ("request.assist",
                                                              "request.complete"),
    ("POST", "/clerk/api/v1/requests/{request_no}/assist"): ("request.assist",),
    ("POST", "/clerk/api/v1/requests/{request_no}/complete"): ("request.complete",
                                                                "certificate.no_record"),
    ("POST", "/clerk/api/v1/requests/{request_no}/refuse"): ("request.refuse",),
    ("GET", "/clerk/api/v1/requests/{request_no}/candidates"): ("candidate.read",),
    ("POST", "/clerk/api/v1/requests/{request_no}/candidates"): ("candidate.decide",),
    ("POST", "/national/api/v1/requests"): ("request.apply",),
    ("GET", "/national/api/v1/requests/{request_no}"): ("request.read",),
    ("GET", "/national/api/v1/requests/{request_no}/result"): ("request.read",),
    ("GET", "/national/api/v1/requests/{request_no}/certificates/{certificate_no}/pdf"):
        ("certificate.read",),
}
CELLS = [(operation, caller) for operation in EXPECTED for caller in CALLERS]


def principal(caller: str) -> str | None:
    """The matrix's column of a caller: `clerk.holding@500118` is a `clerk.holding`."""
    if caller in CLERKS:
        return caller.split("@")[0]
    return {"citizen": "citizen", "other-citizen": "citizen", "kiosk": "kiosk",
            "national": "national", "other-national": "national"}.get(caller)


@pytest.fixture(scope="module")
def world(nodes, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """One world per module (and per xdist worker), over the module's three nodes."""
    nodes_base, _ = nodes
    base = tmp_path_factory.mktemp("permission-world")
    with module_database(base) as database_url:
        built = build_world(nodes_base, base, database_url)
        yield built
        close_world(built)


def test_every_documented_operation_has_expectations(world: World) -> None:
    documented = documented_operations(world.client)
    missing = sorted(documented - set(EXPECTED))
    assert not missing, f"operations with no row in EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - documented)
    assert not stale, f"rows of EXPECTED no OpenAPI document lists: {stale}"
    assert set(OPERATIONS) == set(EXPECTED)
    assert all(len(row) == len(CALLERS) for row in EXPECTED.values())


def test_every_status_of_the_matrix_is_documented(world: World) -> None:
    """Each status an operation answers some caller is listed in its document, not left to
    `default`: a client reads there which refusals to expect."""
    undocumented = []
    for document in sorted(DOCUMENTS):
        for path, item in world.client.get(document).get_json()["paths"].items():
            for method, operation in item.items():
                statuses = set(EXPECTED.get((method.upper(), path), ()))
                missing = sorted(str(status) for status in statuses
                                 if str(status) not in operation.get("responses", {}))
                if missing:
                    undocumented.append(f"{method.upper()} {path}: {', '.join(missing)}")
    assert not undocumented, "statuses not documented:\n" + "\n".join(undocumented)


def test_every_success_is_allowed_by_the_matrix() -> None:
    assert set(ACTIONS) <= set(EXPECTED)
    assert {action for actions in ACTIONS.values() for action in actions} == set(MATRIX)
    for operation, actions in ACTIONS.items():
        allowed = set().union(*(MATRIX[action] for action in actions))
        for caller, status in zip(CALLERS, EXPECTED[operation], strict=True):
            if status < 400:
                assert principal(caller) in allowed, (operation, caller, actions)


@pytest.mark.parametrize(("operation", "caller"), CELLS,
                         ids=[f"{method} {path} as {caller}"
                              for (method, path), caller in CELLS])
def test_the_matrix_holds(world: World, operation: tuple[str, str], caller: str) -> None:
    method, path = operation
    expected = EXPECTED[operation][CALLERS.index(caller)]
    answer = world.send(method, path, caller, OPERATIONS[operation](world, caller))
    assert answer.status_code == expected, (
        f"{method} {path} as {caller}: expected {expected}, got {answer.status_code}: "
        f"{answer.get_data(as_text=True)[:300]}")
    if expected >= 400:  # a refusal says why, as every error of the hub does
        assert answer.mimetype == "application/problem+json", answer.mimetype


def test_the_workbench_pages_are_for_clerks_with_the_login_cookie(world: World) -> None:
    browser = world.app.test_client()
    assert browser.get("/workbench/").status_code == 303  # no cookie
    assert browser.get("/workbench/").headers["Location"].endswith("/workbench/login")
    for caller in ("citizen", "national"):  # a valid token, but not a clerk's
        browser.set_cookie("liancha_clerk", world.tokens[caller], path="/workbench")
        refused = browser.get("/workbench/")
        assert refused.status_code == 303, caller
        assert refused.headers["Location"].endswith("/workbench/login")
    browser.delete_cookie("liancha_clerk", path="/workbench")
    bearer = {"Authorization": f"Bearer {world.tokens[RECEIVING]}"}  # pages read the cookie
    assert browser.get("/workbench/", headers=bearer).status_code == 303
    browser.set_cookie("liancha_clerk", world.tokens[RECEIVING], path="/workbench")
    queue = browser.get("/workbench/")
    assert queue.status_code == 200 and queue.mimetype == "text/html"
    assert world.request_no in queue.get_data(as_text=True)


def test_the_kiosk_page_is_public(world: World) -> None:
    page = world.client.get("/kiosk/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "/kiosk/api/v1" in page.get_data(as_text=True)
    with_token = world.send("GET", "/kiosk/", KIOSK)
    assert with_token.status_code == 200
