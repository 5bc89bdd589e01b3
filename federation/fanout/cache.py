"""A short cache of nodes' signed answers in Redis, with no personal data in clear.

Key: `liancha:answer:` + HMAC-SHA256 over the canonical JSON (sorted keys) of the node's
code, the caller's cache scope and the search request without its per-call `request_id`
(subject, purpose, record types, event dates). The purpose is part of the key: a node
audits the purpose of every search, so an answer is only reused for the very purpose the
node saw (and logged) with it; the caller's scope (a clerk's archive, a citizen's own
identity) keeps one caller's query from being answered, and revealed as `cached`, from
another caller's. What a node does not see is the repetition itself: the hub's own audit
records every query, the node's only the first within `ttl_s`.

Value: the node's answer exactly as received (body bytes, `Liancha-Signature`, kid,
receipt time, the original request id and latency), encrypted with AES-256-GCM bound to
its key. Keys of both come from the hub's signing key (HKDF), so every hub worker reads
what the others wrote and nothing in Redis names anyone. A hit is verified against the
node's keys again before use; evidence stays verifiable (it names the request it first
answered). Only `ok` answers are stored. Redis failures make `fetch` miss and `store` do
nothing (see `shared.py`).
"""

import base64
import hashlib
import hmac
import os
import time
from dataclasses import dataclass
from datetime import datetime

import orjson
import redis
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from federation.fanout.outcomes import OK, Evidence, NodeOutcome, name_context
from federation.fanout.shared import SharedRedis, Unavailable
from federation.registry import NodeEntry
from runtime.metrics import count_cache
from schemas.signing import SignatureInvalid, verify_body

PER_CALL_FIELDS = ("request_id",)
NONCE_BYTES = 12


@dataclass
class CachedOutcome(NodeOutcome):
    """An `ok` outcome served from the cache: `latency_ms` is the cache's, not the node's."""

    cached: bool = True
    original_latency_ms: float | None = None  # the node's latency when it answered
    original_request_id: str | None = None  # the request its signed answer names


def cache_secret(signing_key: Ed25519PrivateKey) -> bytes:
    """32 bytes every hub worker derives alike from the hub's signing key."""
    return HKDF(SHA256(), 32, salt=None, info=b"liancha answer cache v1").derive(
        signing_key.private_bytes_raw())


class AnswerCache:
    def __init__(self, shared: SharedRedis, secret: bytes, ttl_s: float) -> None:
        self._shared = shared
        self._mac_key = hmac.digest(secret, b"key", hashlib.sha256)
        self._aead = AESGCM(hmac.digest(secret, b"value", hashlib.sha256))
        self.ttl_ms = max(1, int(ttl_s * 1000))

    def key(self, node: NodeEntry, request: dict, scope: str) -> str:
        asked = {k: v for k, v in request.items() if k not in PER_CALL_FIELDS}
        canonical = orjson.dumps({"node": node.code, "scope": scope, "request": asked},
                                 option=orjson.OPT_SORT_KEYS)
        return self._shared.key("answer", hmac.new(self._mac_key, canonical,
                                                   hashlib.sha256).hexdigest())

    def fetch(self, nodes: list[NodeEntry], request: dict,
              scope: str) -> dict[str, CachedOutcome]:
        """The cached answers among `nodes` (one Redis round trip), by archive code."""
        if not nodes:
            return {}
        started = time.monotonic()
        keys = [self.key(node, request, scope) for node in nodes]
        values = self._shared.run(lambda client: client.mget(keys))
        if isinstance(values, Unavailable):
            count_cache("error")
            return {}
        hits = {}
        for node, key, value in zip(nodes, keys, values, strict=True):
            outcome = self._open(node, key, value) if value else None
            count_cache("miss" if outcome is None else "hit")
            if outcome is not None:
                hits[node.code] = outcome
        for outcome in hits.values():
            outcome.latency_ms = round((time.monotonic() - started) * 1000, 1)
        return hits

    def store(self, answered: list[tuple[NodeEntry, NodeOutcome]], request: dict,
              scope: str) -> None:
        """Keep the `ok` answers for `ttl_s` (one Redis round trip)."""
        request_id = str(request["request_id"])
        keys = [(self.key(node, request, scope), outcome) for node, outcome in answered
                if outcome.status == OK and outcome.evidence is not None]
        entries = [(key, self._seal(key, outcome, request_id)) for key, outcome in keys]
        if not entries:
            return

        def write(client: redis.Redis) -> list:
            pipe = client.pipeline(transaction=False)
            for key, value in entries:
                pipe.set(key, value, px=self.ttl_ms)
            return pipe.execute()

        self._shared.run(write)

    def _seal(self, key: str, outcome: NodeOutcome, request_id: str) -> bytes:
        evidence = outcome.evidence
        assert evidence is not None
        payload = orjson.dumps({
            "body": base64.b64encode(evidence.body).decode(), "signature": evidence.signature,
            "kid": evidence.kid, "received_at": evidence.received_at.isoformat(),
            "latency_ms": outcome.latency_ms, "request_id": request_id})
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, payload, key.encode())

    def _open(self, node: NodeEntry, key: str, value: bytes) -> CachedOutcome | None:
        """The entry as an outcome, or None when it cannot be trusted (treated as a miss)."""
        try:
            payload = orjson.loads(self._aead.decrypt(
                value[:NONCE_BYTES], value[NONCE_BYTES:], key.encode()))
            body = base64.b64decode(payload["body"])
            signed = verify_body(payload["signature"], body, node.keys)
            answer = orjson.loads(body)
            records = answer["records"]
        except (InvalidTag, SignatureInvalid, ValueError, KeyError, TypeError):
            return None
        if signed.archive != node.code or signed.request_id != payload["request_id"]:
            return None
        evidence = Evidence(body, payload["signature"], signed.kid,
                            datetime.fromisoformat(payload["received_at"]))
        return CachedOutcome(
            {"code": node.code, "name": node.name}, OK, None, count=len(records),
            records=records, evidence=evidence, original_latency_ms=payload["latency_ms"],
            original_request_id=payload["request_id"], name_context=name_context(answer))
