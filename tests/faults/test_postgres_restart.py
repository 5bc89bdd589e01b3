"""Restart PostgreSQL under load: no request or certificate is lost.

The hub runs as in production (`liancha hub serve` in its own process, configured by
LIANCHA_* variables) over a PostgreSQL cluster of the test's own, with three real nodes
on loopback. Clerks of three archives query and issue certificates from their queries
(fetching each PDF), a citizen queries and certifies their own record in the app, the
national platform submits requests under an Idempotency-Key, and a clerk keeps reloading
the workbench's pages, all at once, for LOAD_S seconds. Meanwhile the cluster is
restarted twice, staying down DOWN_S each time: first `-m fast` (sessions ended, clean
shutdown), then `-m immediate` (killed as in a crash, recovered from the WAL). The hub
itself is not restarted.

What must hold:
- the hub answers nothing but its answers and, while the database is away, a 503 with
  Retry-After, a problem+json on the APIs and a page on the workbench (it did answer
  some, in each outage); no other 5xx, and no 503 once the database has been back for
  RECOVERED_S (a stuck pool);
- the clients, retrying 503s, get every operation done within their bound;
- everything acknowledged with a 2xx is in the database as acknowledged: queries (their
  author and records), certificates (number, archive, query, the PDF's SHA-256), requests
  (one per Idempotency-Key, the acknowledged number);
- certificate and request numbers per archive and year run 1..n with no hole and none
  twice; a committed certificate nobody acknowledged is explained by a 503 answered to an
  issue (its commit landed, its answer did not);
- the audit chain verifies, with an entry for every query and certificate.
"""

import hashlib
import json
import re
import threading
import time
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from accounts.clerks import create_clerk
from accounts.platform import TOKEN_PATH, mint_client_assertion, register_client
from casework.models import CaseRequest, RequestCounter
from certificates.models import Certificate, CertificateCounter
from federation.audit import AuditEvent, verify_chain
from federation.identity import mint_clerk_token, mint_identity_token
from federation.models import Query
from federation.storage import hub_session
from schemas.signing import generate_key_pair, load_private_key
from tests.faults.hub_process import HubProcess, serve_hub
from tests.faults.patient_client import Ledger, PatientClient
from tests.faults.private_postgres import PrivatePostgres, private_postgres
from tests.federation.conftest import serve_nodes
from tests.federation.permission_world import MARRIAGE, PURPOSE, SUBMISSION
from tests.federation.test_queries import SUBJECT

LOAD_S = 14.0
RESTARTS = ((3.0, "fast"), (8.0, "immediate"))  # seconds into the load, pg_ctl's mode
DOWN_S = 1.5  # how long the server stays down each time
RECOVERED_S = 3.0  # after the server is back, no more 503s
CLERK_ARCHIVES = ("510500", "500118", "500116")
CLIENT_ID = "national-platform"
WORKBENCH_CLERK, PASSWORD = "wangfang", "窗口-correct-horse"


@dataclass
class Acknowledged:
    """What the hub answered with a 2xx, as it answered it."""

    queries: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id: actor, records
    certificates: dict[str, dict] = field(default_factory=dict)  # number: what was said
    requests: dict[str, str] = field(default_factory=dict)  # Idempotency-Key: request_no
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class World:
    hub: HubProcess
    postgres: PrivatePostgres
    database_url: str
    hub_key: Ed25519PrivateKey  # mints clerks' tokens
    identity_key: Ed25519PrivateKey  # the app's identity provider: citizens' tokens
    client_key: Ed25519PrivateKey  # the national platform client's assertions


@contextmanager
def restart_world(base: Path) -> Iterator[World]:
    """The nodes, the private cluster with the hub's database (a platform client and a
    workbench clerk registered), and the hub process; all stopped on leaving, and the
    hub's and PostgreSQL's logs printed (pytest shows them when the test fails)."""
    with ExitStack() as stack:
        nodes_base, _ = stack.enter_context(serve_nodes(base / "federation"))
        postgres = stack.enter_context(private_postgres())
        stack.callback(lambda: print(f"--- PostgreSQL log ---\n{postgres.log()}"))
        admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE hub"))
        admin.dispose()
        database_url = postgres.url("hub")
        identity_private, identity_public = generate_key_pair(base / "identity")
        client_private, client_public = generate_key_pair(base / "platform")
        with hub_session(database_url, upgrade=True) as session:
            register_client(session, CLIENT_ID, "全国档案查询利用服务平台",
                            client_public.read_text("utf-8"))
            create_clerk(session, WORKBENCH_CLERK, "王芳", PASSWORD, [("510500", "receiving")])
        hub_private = nodes_base / "keys" / "hub" / "private.pem"
        hub = stack.enter_context(serve_hub(base, {
            "LIANCHA_NODES": str(nodes_base / "nodes.yaml"),
            "LIANCHA_SIGNING_KEY": str(hub_private),
            "LIANCHA_IDENTITY_PUBLIC_KEY": str(identity_public),
            "LIANCHA_DATABASE_URL": database_url,
            "LIANCHA_CERTIFICATE_KEYS": str(base / "certificate-keys"),
            "LIANCHA_RATE_LIMIT_PER_MINUTE": "0", "LIANCHA_CLERK_RATE_LIMIT_PER_MINUTE": "0",
            # generous: a node answering late on a busy machine is another test's subject
            "LIANCHA_NODE_DEADLINE_S": "10", "LIANCHA_OVERALL_DEADLINE_S": "15",
        }))
        stack.callback(lambda: print(f"--- hub log ---\n{hub.log()}"))
        yield World(hub, postgres, database_url, load_private_key(hub_private),
                    load_private_key(identity_private), load_private_key(client_private))


# -- the load: each kind of caller in its own thread, until `stop` -------------------------

def clerk(world: World, ledger: Ledger, acknowledged: Acknowledged, archive: str,
          stop: threading.Event) -> None:
    username = f"clerk-{archive}"
    client = PatientClient(world.hub.url, ledger, mint_clerk_token(
        world.hub_key, username, archive, ["receiving", "holding", "admin"]))
    while not stop.is_set():
        query_id = query(client, acknowledged, "/api/v1/queries", f"clerk:{username}",
                         {"subject": SUBJECT, "purpose": PURPOSE})
        if query_id:
            certify(client, acknowledged, "/api/v1/certificates", archive, query_id)


def citizen(world: World, ledger: Ledger, acknowledged: Acknowledged,
            stop: threading.Event) -> None:
    client = PatientClient(world.hub.url, ledger, mint_identity_token(
        world.identity_key, "citizen", **SUBJECT))
    subject = f"citizen:{SUBJECT['id_number']}"
    while not stop.is_set():
        query_id = query(client, acknowledged, "/mobile/api/v1/queries", subject,
                         {"purpose": PURPOSE})
        if query_id:  # the marriage record is held by Luzhou: in Luzhou's name
            certify(client, acknowledged, "/mobile/api/v1/certificates", "510500", query_id)


def workbench_clerk(world: World, ledger: Ledger, stop: threading.Event) -> None:
    """A receiving clerk at the workbench pages (logged in by the form, a cookie), who keeps
    reloading the queue and the overdue list."""
    browser = PatientClient(world.hub.url, ledger)
    form = browser.send("GET", "/workbench/login", (200,))
    if form is None:
        return
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf, form.text
    if browser.send("POST", "/workbench/login", (303,), allow_redirects=False, data={
            "csrf": csrf.group(1), "username": WORKBENCH_CLERK, "password": PASSWORD}) is None:
        return
    while not stop.is_set():
        for path in ("/workbench/", "/workbench/overdue"):
            browser.send("GET", path, (200,), allow_redirects=False)
        time.sleep(0.1)


def national_platform(world: World, ledger: Ledger, acknowledged: Acknowledged,
                      stop: threading.Event) -> None:
    client = PatientClient(world.hub.url, ledger)
    granted = client.send("POST", TOKEN_PATH, (200,), data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": mint_client_assertion(world.client_key, CLIENT_ID,
                                                  world.hub.url + TOKEN_PATH)})
    if granted is None:
        return
    client.http.headers["Authorization"] = f"Bearer {granted.json()['access_token']}"
    while not stop.is_set():
        key = uuid.uuid4().hex
        # 200 is this key's request filed by an attempt whose answer was a 503
        filed = client.send("POST", "/national/api/v1/requests", (201, 200), json=SUBMISSION,
                            headers={"Idempotency-Key": key})
        if filed is not None:
            with acknowledged.lock:
                acknowledged.requests[key] = filed.json()["request_no"]
        time.sleep(0.2)


def query(client: PatientClient, acknowledged: Acknowledged, path: str, actor: str,
          body: dict) -> str | None:
    answered = client.send("POST", path, (200,), json=body)
    if answered is None:
        return None
    answer = answered.json()
    records = [record["record_id"] for record in answer["records"]]
    with acknowledged.lock:
        acknowledged.queries[answer["query_id"]] = (actor, records)
    # a node late on a busy machine leaves its records out: nothing to certify then
    return answer["query_id"] if MARRIAGE in records else None


def certify(client: PatientClient, acknowledged: Acknowledged, path: str, archive: str,
            query_id: str) -> None:
    issued = client.send("POST", path, (201,), json={
        "query_id": query_id, "record_ids": [MARRIAGE], "purpose": PURPOSE})
    if issued is None:
        return
    certificate = issued.json()
    number = certificate["certificate_no"]
    said = {"archive": certificate["archive_code"], "query_id": query_id,
            "display_no": certificate["display_no"], "pdf_sha256": None, "at": time.time()}
    with acknowledged.lock:
        acknowledged.certificates[number] = said
    if certificate["archive_code"] != archive:
        client.ledger.fault(f"{number} issued in {certificate['archive_code']}'s name, "
                            f"not {archive}'s")
    pdf = client.send("GET", f"{path}/{number}/pdf", (200,))
    if pdf is not None:
        said["pdf_sha256"] = hashlib.sha256(pdf.content).hexdigest()


# -- the test -------------------------------------------------------------------------------

def test_restarting_postgres_under_load_loses_no_request_or_certificate(tmp_path: Path):
    started = time.monotonic()
    ledger, acknowledged = Ledger(), Acknowledged()
    with restart_world(tmp_path) as world:
        outages = run_load(world, ledger, acknowledged)

        assert not ledger.faults, "\n".join(ledger.faults[:20])
        assert world.hub.alive(), "the hub did not survive"
        for (_, mode), (down, back) in zip(RESTARTS, outages, strict=True):
            assert any(down <= u.started <= back for u in ledger.unavailable), (
                f"no 503 while the database was down ({mode}): the outage was not met")
        # a 503 is the database's absence: its request overlaps an outage (or the moments
        # after, while the hub's pool reconnects), or the hub has not recovered
        unexplained = [u for u in ledger.unavailable if not any(
            u.started <= back + RECOVERED_S and u.ended >= down for down, back in outages)]
        assert not unexplained, f"503s with the database up (outages {outages}): " \
            f"{unexplained[:5]}"
        last_back = outages[-1][1]
        assert any(said["at"] > last_back + RECOVERED_S
                   for said in acknowledged.certificates.values()), \
            "no certificate was issued after the last restart"
        unacknowledged = check_storage(world, ledger, acknowledged)
        print(f"{ledger.answered} answers, {len(ledger.unavailable)} of them 503; "
              f"acknowledged: {len(acknowledged.queries)} queries, "
              f"{len(acknowledged.certificates)} certificates, "
              f"{len(acknowledged.requests)} requests; committed and not acknowledged: "
              f"{unacknowledged} certificates")
    assert time.monotonic() - started < 90


def run_load(world: World, ledger: Ledger, acknowledged: Acknowledged
             ) -> list[tuple[float, float]]:
    """Every caller at once for LOAD_S seconds, the restarts in the middle; the outages.
    The callers are stopped and joined whatever happens."""
    stop = threading.Event()
    callers: list[Callable[[], None]] = [
        *(lambda a=archive: clerk(world, ledger, acknowledged, a, stop)
          for archive in CLERK_ARCHIVES),
        lambda: citizen(world, ledger, acknowledged, stop),
        lambda: national_platform(world, ledger, acknowledged, stop),
        lambda: workbench_clerk(world, ledger, stop),
    ]
    threads = [threading.Thread(target=faults_noted(ledger, caller), daemon=True)
               for caller in callers]
    load_began = time.time()
    outages = []
    try:
        for thread in threads:
            thread.start()
        for at, mode in RESTARTS:
            time.sleep(max(0.0, load_began + at - time.time()))
            outages.append(restart(world.postgres, mode))
        time.sleep(max(0.0, load_began + LOAD_S - time.time()))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a client never finished"
    return outages


def restart(postgres: PrivatePostgres, mode: str) -> tuple[float, float]:
    """Stop the cluster in `mode`, keep it down DOWN_S, start it: when it went and came back
    (wall-clock times, as in the hub's and PostgreSQL's logs)."""
    down = time.time()
    postgres.stop(mode)
    time.sleep(DOWN_S)
    postgres.start()
    return down, time.time()


def faults_noted(ledger: Ledger, caller: Callable[[], None]) -> Callable[[], None]:
    """A client thread's body; whatever it raises is a fault, not a thread lost silently."""
    def run() -> None:
        try:
            caller()
        except Exception as exc:  # reported by the test, with its trace
            ledger.fault(f"a client failed: {''.join(traceback.format_exception(exc))}")
    return run


def check_storage(world: World, ledger: Ledger, acknowledged: Acknowledged) -> int:
    """Everything acknowledged is stored as it was; how many certificates were committed
    without their issue being acknowledged."""
    engine = create_engine(world.database_url)
    try:
        with Session(engine) as session:
            check_queries(session, acknowledged)
            unacknowledged = check_certificates(session, ledger, acknowledged)
            check_requests(session, acknowledged)
            chain = verify_chain(session)
            assert chain.ok, chain
            targets = defaultdict(set)
            for action, target in session.execute(select(AuditEvent.action, AuditEvent.target)):
                targets[action].add(target)
            assert set(acknowledged.queries) <= targets["query.run"]
            assert set(session.scalars(select(Certificate.certificate_no))) \
                == targets["certificate.issued"]
    finally:
        engine.dispose()
    return unacknowledged


def check_queries(session: Session, acknowledged: Acknowledged) -> None:
    assert acknowledged.queries, "no query was acknowledged"
    for query_id, (actor, records) in acknowledged.queries.items():
        stored = session.get(Query, query_id)
        assert stored is not None, f"query {query_id} was acknowledged, and is lost"
        assert stored.actor == actor
        assert [r["record_id"] for r in json.loads(stored.answer)["records"]] == records


def check_certificates(session: Session, ledger: Ledger, acknowledged: Acknowledged) -> int:
    assert acknowledged.certificates, "no certificate was acknowledged"
    committed = {c.certificate_no: c for c in session.scalars(select(Certificate))}
    for number, said in acknowledged.certificates.items():
        stored = committed.get(number)
        assert stored is not None, f"certificate {number} was acknowledged, and is lost"
        assert (stored.archive_code, stored.query_id, stored.display_no) == (
            said["archive"], said["query_id"], said["display_no"])
        assert stored.pdf_sha256 == hashlib.sha256(stored.pdf).hexdigest() \
            == said["pdf_sha256"], number
        assert stored.status == "valid"
    series = defaultdict(list)
    for certificate in committed.values():
        series[(certificate.archive_code, certificate.year)].append(certificate.sequence)
    for (archive, year), sequences in series.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), (archive, sequences)
        assert session.get(CertificateCounter, (archive, year)).last == len(sequences)
    unacknowledged = set(committed) - set(acknowledged.certificates)
    explained = (ledger.unavailable_calls("POST", "/api/v1/certificates")
                 + ledger.unavailable_calls("POST", "/mobile/api/v1/certificates"))
    assert len(unacknowledged) <= explained, (
        f"certificates nobody was told of: {sorted(unacknowledged)}; only {explained} "
        "issues were answered 503")
    return len(unacknowledged)


def check_requests(session: Session, acknowledged: Acknowledged) -> None:
    assert acknowledged.requests, "no request was acknowledged"
    filed = list(session.scalars(select(CaseRequest).where(CaseRequest.client_id == CLIENT_ID)))
    per_key = Counter(request.idempotency_key for request in filed)
    assert max(per_key.values()) == 1, per_key.most_common(3)
    by_key = {request.idempotency_key: request.request_no for request in filed}
    for key, number in acknowledged.requests.items():
        assert by_key.get(key) == number, f"request {number} ({key}) was acknowledged: lost"
    series = defaultdict(list)
    for request in filed:
        _, year, sequence = request.request_no.removeprefix("SQ").split("-")
        series[(request.receiving_archive, int(year))].append(int(sequence))
    for (archive, year), sequences in series.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), (archive, sequences)
        assert session.get(RequestCounter, (archive, year)).last == len(sequences)
