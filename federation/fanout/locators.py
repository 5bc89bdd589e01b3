"""The hub's copies of its archives' record locators, and the routing they allow.

`LocatorBook.route` says, per archive, whether the subject of a search may be held there:
False only from a fresh locator (fetched within `max_age_s`, signed by the archive, hashed
under this federation's locator key) that holds none of the subject's keys. Anything else
(no locator yet, a stale one, one the archive withdrew for an import, a fetch that failed,
another key) is None: ask the archive. A stale or missing locator is fetched again in the
background, never on a query's time.
"""

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
import orjson
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.fanout.sliced import SlicedFilters
from federation.registry import NodeEntry
from schemas.id_numbers import InvalidIdNumber
from schemas.locator import (
    FORMAT,
    SET_FORMAT,
    LocatorKey,
    decode_filter,
    subject_keys,
)
from schemas.partial_dates import InvalidDate
from schemas.signing import SIGNATURE_HEADER, SignatureInvalid, mint_hub_token, verify_body
from schemas.subjects import read_subject

log = logging.getLogger("liancha.hub.locators")
FETCH_TIMEOUT_S = 30.0
MAX_LOCATOR_BYTES = 256 * 1024 * 1024  # a node of ten million parties sends about 40 MiB
PURPOSE = "record locator refresh"


@dataclass(frozen=True)
class _Held:
    filters: tuple[str, ...]  # one for an archive; a lower hub's, one per archive below
    etag: str | None
    parties: int
    keys: int


class LocatorBook:
    """Per archive, its locator as last fetched (see the module's docstring)."""

    def __init__(self, nodes: list[NodeEntry], key: LocatorKey, signing_key: Ed25519PrivateKey,
                 max_age_s: float = 120.0) -> None:
        self.key, self.max_age_s = key, max_age_s
        self._nodes = {node.code: node for node in nodes}
        self._signing_key = signing_key
        self._held: dict[str, _Held] = {}
        # when each archive's locator in `_held` was last fetched or confirmed (a 304) by
        # time.monotonic(); -inf without one: set after `_held` when one comes, before it
        # when one goes
        self._codes = list(self._nodes)
        self._position = {code: index for index, code in enumerate(self._codes)}
        self._fetched_at = np.full(len(self._codes), -np.inf)
        # the filters of every archive held, asked at once; an archive's are put here
        # before it is in `_held` and leave after: an archive in `_held` is always in it
        self._filters = SlicedFilters()
        self._filters_lock = threading.Lock()
        self._fetching: set[str] = set()
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._session.trust_env = False

    def close(self) -> None:
        self._session.close()

    def to_ask(self, subject: dict) -> set[str] | None:
        """The archives of this book to ask about `subject`: those whose fresh locator may
        hold one of its keys, and those without a fresh one (no locator yet, a stale one,
        one the archive withdrew or that could not be used), which are fetched again
        meanwhile. Every other archive of the book holds none of its keys: not asked.
        None: ask every archive (the subject cannot be read; they answer what is wrong)."""
        try:
            hashed = self.key.hashed(subject_keys(read_subject(subject)))
        except (InvalidIdNumber, InvalidDate, KeyError, TypeError):
            return None
        with self._filters_lock:
            holders = self._filters.holders(hashed)
        stale = np.flatnonzero(self._fetched_at < time.monotonic() - self.max_age_s)
        if not len(stale):
            return holders
        doubtful = [self._codes[index] for index in stale.tolist()]
        self.refresh_in_background(doubtful)
        return holders.union(doubtful)

    def knows(self) -> dict[str, NodeEntry]:
        """The archives this book routes (any other is always asked)."""
        return self._nodes

    def refresh_in_background(self, codes: list[str] | None = None) -> None:
        with self._lock:
            wanted = [code for code in (codes or list(self._nodes))
                      if code not in self._fetching]
            self._fetching.update(wanted)
        if wanted:
            threading.Thread(target=self._refresh_all, args=(wanted,), daemon=True,
                             name="locator-refresh").start()

    def _refresh_all(self, codes: list[str]) -> None:
        try:
            for code in codes:
                self.refresh(code)
        finally:
            with self._lock:
                self._fetching.difference_update(codes)

    def refresh(self, code: str) -> bool:
        """Fetch one archive's locator now; whether a usable one is held afterwards."""
        node = self._nodes[code]
        held = self._held.get(code)
        try:
            self._fetch(node, held)
        except _Unusable as exc:
            self._drop(code)
            log.warning("locator of %s not used (asked every time): %s", code, exc)
        except (requests.RequestException, OSError, ValueError) as exc:
            self._drop(code)
            log.warning("locator of %s could not be fetched (asked every time): %s", code, exc)
        return code in self._held

    def _drop(self, code: str) -> None:
        self._fetched_at[self._position[code]] = -np.inf
        self._held.pop(code, None)
        with self._filters_lock:
            self._filters.remove(code)

    def _fetch(self, node: NodeEntry, held: _Held | None) -> None:
        headers = {"Authorization": "Bearer " + mint_hub_token(
            self._signing_key, node.code, PURPOSE, lifetime_s=60)}
        if held is not None and held.etag:
            headers["If-None-Match"] = held.etag
        fetched_at = time.monotonic()
        with self._session.get(f"{node.url}/v1/locator", headers=headers, stream=True,
                               timeout=FETCH_TIMEOUT_S) as response:
            if response.status_code == 304 and held is not None:
                self._fetched_at[self._position[node.code]] = fetched_at
                return
            if response.status_code != 200:
                raise _Unusable(f"answered HTTP {response.status_code}")
            content = _bounded(response)
        try:
            signed = verify_body(response.headers.get(SIGNATURE_HEADER), content, node.keys)
        except SignatureInvalid as exc:
            raise _Unusable(str(exc)) from exc
        if signed.archive != node.code:
            raise _Unusable(f"signed for archive {signed.archive!r}")
        body = orjson.loads(content)
        if not isinstance(body, dict):
            raise _Unusable("not a locator")
        wanted = SET_FORMAT if node.is_hub else FORMAT
        if body.get("format") != wanted:
            raise _Unusable(f"a locator of another format {body.get('format')!r}")
        if body.get("key_id") != self.key.key_id:
            raise _Unusable("hashed under another locator key than this hub's")
        if (body.get("archive") or {}).get("code") != node.code:
            raise _Unusable("a locator of another archive")
        filters = body.get("filters") if node.is_hub else [body.get("filter")]
        if not isinstance(filters, list) or not all(isinstance(f, str) for f in filters):
            raise _Unusable("no filter")
        try:
            blooms = tuple(decode_filter(text) for text in filters)
        except ValueError as exc:
            raise _Unusable(str(exc)) from exc
        with self._filters_lock:
            self._filters.put(node.code, blooms)
        self._held[node.code] = _Held(tuple(filters), response.headers.get("ETag"),
                                      int(body.get("parties") or 0),
                                      int(body.get("keys") or 0))
        self._fetched_at[self._position[node.code]] = fetched_at
        log.info("locator of %s fetched: %s keys, built %s", node.code, body.get("keys"),
                 body.get("built_at"))

    def union(self) -> dict | None:
        """What this hub publishes upward: every archive's fresh locator, as one set; None
        unless every entry has one (an archive without is asked every time, and so must
        the hub be). Those missing or stale are fetched again meanwhile: a lower hub is
        asked only from above, and its upper hub asks for this union again and again."""
        stale = np.flatnonzero(self._fetched_at < time.monotonic() - self.max_age_s)
        held = [self._held.get(code) for code in self._codes]
        missing = {self._codes[index] for index in stale.tolist()}
        missing.update(code for code, h in zip(self._codes, held, strict=True) if h is None)
        if missing:
            self.refresh_in_background(sorted(missing))
            return None
        return {"format": SET_FORMAT, "key_id": self.key.key_id,
                "filters": [text for h in held if h is not None for text in h.filters],
                "parties": sum(h.parties for h in held if h is not None),
                "keys": sum(h.keys for h in held if h is not None),
                "etags": [h.etag or "" for h in held if h is not None]}


def _bounded(response: requests.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(1024 * 1024):
        size += len(chunk)
        if size > MAX_LOCATOR_BYTES:
            raise _Unusable(f"larger than {MAX_LOCATOR_BYTES // 2**20} MiB")
        chunks.append(chunk)
    return b"".join(chunks)


class _Unusable(Exception):
    """A locator answer this hub cannot rely on."""
