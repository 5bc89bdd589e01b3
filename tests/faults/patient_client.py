"""A client of the hub that does what an app does with a 503: waits and tries again, within
a bound; and a ledger of what the hub acknowledged and of every answer it should not give.

A 503 must be problem+json with a Retry-After header (the hub's answer while its database
is away). Any other 5xx, an answer other than the one expected, a dropped connection or a
timeout is a fault, written down with its body; the test fails on any.
"""

import threading
import time
from dataclasses import dataclass, field

import requests

RETRY_BOUND_S = 30.0  # an operation succeeds within this, 503s and all
BACKOFF_S = 0.25  # shorter than Retry-After: a harsh client, to meet the outage head on
TIMEOUT_S = 30.0


@dataclass
class Unavailable:
    """A 503 answer; its times are wall-clock times, to compare with the servers' logs."""

    started: float
    ended: float
    method: str
    path: str


@dataclass
class Ledger:
    """Shared by every client thread."""

    faults: list[str] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault(self, what: str) -> None:
        with self.lock:
            self.faults.append(f"{time.time():.2f} {what}")

    def unavailable_calls(self, method: str, prefix: str) -> int:
        with self.lock:
            return sum(1 for u in self.unavailable
                       if u.method == method and u.path.startswith(prefix))


class PatientClient:
    def __init__(self, base_url: str, ledger: Ledger, token: str | None = None) -> None:
        self.base_url = base_url
        self.ledger = ledger
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def send(self, method: str, path: str, expect: tuple[int, ...], **kwargs: object
             ) -> requests.Response | None:
        """The first answer that is not a 503, if it is one of `expect`; None (and a fault
        in the ledger) otherwise."""
        deadline = time.time() + RETRY_BOUND_S
        while True:
            started = time.time()
            try:
                response = self.http.request(method, self.base_url + path, timeout=TIMEOUT_S,
                                             **kwargs)  # type: ignore[arg-type]
            except requests.RequestException as exc:
                self.ledger.fault(f"{method} {path}: no answer: {exc!r}")
                time.sleep(BACKOFF_S)  # the test fails; its callers need not spin meanwhile
                return None
            with self.ledger.lock:
                self.ledger.answered += 1
            if response.status_code != 503:
                if response.status_code in expect:
                    return response
                self.ledger.fault(f"{method} {path}: {response.status_code} "
                                  f"{response.text[:600]}")
                time.sleep(BACKOFF_S)
                return None
            self._check_unavailable(method, path, response)
            with self.ledger.lock:
                self.ledger.unavailable.append(
                    Unavailable(started, time.time(), method, path))
            if time.time() > deadline:
                self.ledger.fault(f"{method} {path}: still 503 after {RETRY_BOUND_S} s")
                return None
            time.sleep(BACKOFF_S)

    def _check_unavailable(self, method: str, path: str, response: requests.Response) -> None:
        """An API's 503 is a problem; the workbench's, a page for the clerk."""
        kind = response.headers.get("Content-Type", "")
        said = (kind.startswith("text/html") if path.startswith("/workbench/") else
                kind.startswith("application/problem+json")
                and response.json().get("status") == 503)
        if not (said and response.headers.get("Retry-After", "").isdigit()):
            self.ledger.fault(f"{method} {path}: a 503 without its explanation or "
                              f"Retry-After: {dict(response.headers)} {response.text[:300]}")
