"""One call to one node: a signed `POST /v1/search`, read within a deadline, then checked.

The call is a coroutine on the hub process's fan-out loop (`loop.py`), over an aiohttp
session the fan-out shares between its nodes (keep-alive connections per node).

`NodeClient.call` never raises for the node's fault: it returns an `Attempt` whose status
is `ok` (HTTP 200, a SearchAnswer for this archive and this request, signature verified),
`timeout` (the deadline passed first) or `error` with a plain English reason. Each call
carries its own freshly minted hub token, so a hedge is a new call with a new `jti`, and
an `X-Request-Id` that the node's log lines carry.
"""

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from yarl import URL

from federation.fanout.lower_hubs import answer_problems, archives_below
from federation.fanout.outcomes import (
    ERROR,
    OK,
    TIMEOUT,
    Evidence,
    NodeOutcome,
    name_context,
)
from federation.registry import NodeEntry
from runtime import request_ids
from schemas.nesting import DEADLINE_HEADER
from schemas.search import SearchAnswerSchema
from schemas.signing import SIGNATURE_HEADER, SignatureInvalid, mint_hub_token, verify_body

TOKEN_LIFETIME_S = 60
MAX_ANSWER_BYTES = 64 * 1024 * 1024
READ_CHUNK = 256 * 1024
_ANSWER_SCHEMA = SearchAnswerSchema()


@dataclass
class Attempt:
    """The result of one HTTP request to a node (a node's outcome may use one of two)."""

    status: str  # ok | timeout | error
    error: str | None
    sent: float  # time.monotonic() when the request left
    finished: float  # time.monotonic() when it was classified
    records: list[dict] = field(default_factory=list)
    evidence: Evidence | None = None
    name_context: dict = field(default_factory=dict)
    children: list[NodeOutcome] = field(default_factory=list)  # a lower hub's archives

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def elapsed_s(self) -> float:
        return self.finished - self.sent


class NodeClient:
    """The calls to one node, and the checks of its answers."""

    def __init__(self, node: NodeEntry, signing_key: Ed25519PrivateKey):
        self.node = node
        self._key = signing_key
        self._url = URL(f"{node.url}/v1/search")  # parsed once, not on every call

    async def call(self, session: aiohttp.ClientSession, body: bytes, request_id: str,
                   purpose: str, deadline: float, hub_request_id: str | None = None) -> Attempt:
        """POST the (already encoded) request; give up at `deadline` (time.monotonic())."""
        sent = time.monotonic()
        remaining = deadline - sent
        if remaining <= 0:
            return Attempt(TIMEOUT, _no_answer(0.0), sent, sent)
        headers = {
            "Authorization": "Bearer " + mint_hub_token(
                self._key, self.node.code, purpose, lifetime_s=TOKEN_LIFETIME_S),
            "Content-Type": "application/json",
            "Accept": "application/json",
            # the hub request's id when the fan-out runs for one, else the query's: the
            # node logs under it (docs/operations.md)
            request_ids.HEADER: hub_request_id or request_id,
        }
        if self.node.is_hub:  # what the lower hub may spend, its own answer included
            headers[DEADLINE_HEADER] = str(int(remaining * 1000))
        try:
            async with asyncio.timeout(remaining):
                async with session.post(self._url, data=body, headers=headers,
                                        allow_redirects=False) as response:
                    raw = await _read_body(response)
                    status_code, answer_headers = response.status, response.headers
        except TimeoutError:
            now = time.monotonic()
            return Attempt(TIMEOUT, _no_answer(now - sent), sent, now)
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Attempt(ERROR, _connection_reason(exc), sent, time.monotonic())
        return self._check(status_code, answer_headers, raw, request_id, sent)

    def _check(self, status_code: int, headers, raw: bytes,  # type: ignore[no-untyped-def]
               request_id: str, sent: float) -> Attempt:
        received_at = datetime.now(UTC)

        def error(reason: str) -> Attempt:
            return Attempt(ERROR, reason, sent, time.monotonic())

        if status_code != 200:
            return error(f"answered HTTP {status_code}{_problem_detail(raw)}")
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return error("answer is not JSON")
        if not isinstance(answer, dict):
            return error("answer is not a search answer: expected a JSON object")
        problems = answer_problems(answer) if self.node.is_hub else _ANSWER_SCHEMA.validate(answer)
        if problems:
            return error(f"answer is not a search answer: {_first_problem(problems)}")
        code = answer["archive"]["code"]
        if code != self.node.code:
            return error(f"answer comes from archive {code!r}, not {self.node.code!r}")
        if answer["request_id"] != request_id:
            return error(f"answer is for request {answer['request_id']!r}, not {request_id!r}")
        signature = headers.get(SIGNATURE_HEADER)
        try:
            signed = verify_body(signature, raw, self.node.keys)
        except SignatureInvalid as exc:
            return error(f"signature does not verify: {_plain(exc)}")
        if signed.archive != self.node.code:
            return error(f"signature does not verify: signed for archive {signed.archive!r}")
        if signed.request_id != request_id:
            return error(f"signature does not verify: signed for request {signed.request_id!r}")
        evidence = Evidence(raw, signature or "", signed.kid, received_at)
        if self.node.is_hub:
            return Attempt(OK, None, sent, time.monotonic(), [], evidence,
                           children=archives_below(self.node, answer, request_id))
        return Attempt(OK, None, sent, time.monotonic(), answer["records"], evidence,
                       name_context(answer))


async def _read_body(response: aiohttp.ClientResponse) -> bytes:
    """Read the body in whatever pieces arrive, at most MAX_ANSWER_BYTES (the caller's
    timeout stops a slow drip)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(READ_CHUNK):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise aiohttp.ClientPayloadError(
                f"answer larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MiB")
        chunks.append(chunk)
    return b"".join(chunks)


def _no_answer(elapsed_s: float) -> str:
    return f"no answer within {elapsed_s:.2f} s (deadline)"


def _connection_reason(exc: BaseException) -> str:
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError) or "refused" in str(current).lower():
            return "connection refused"
        if isinstance(current, ConnectionResetError):
            return "connection reset by the node"
        pending.extend(x for x in (current.__cause__, current.__context__,
                                   getattr(current, "os_error", None),
                                   *getattr(current, "args", ()))
                       if isinstance(x, BaseException))
    if isinstance(exc, aiohttp.ClientConnectionError):
        return f"cannot reach the node: {exc}"
    return f"broken answer: {exc}"


def _problem_detail(raw: bytes) -> str:
    """`: title (detail)` of a problem+json body, or nothing."""
    try:
        problem = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return ""
    if not isinstance(problem, dict) or not problem.get("title"):
        return ""
    detail = problem.get("detail")
    return f": {problem['title']}" + (f" ({detail})" if detail else "")


def _first_problem(problems: dict, prefix: str = "") -> str:
    name, messages = next(iter(problems.items()))
    path = f"{prefix}.{name}" if prefix else str(name)
    if isinstance(messages, dict):
        return _first_problem(messages, path)
    message = messages[0] if isinstance(messages, list) and messages else messages
    return f"{path}: {message}"


def _plain(exc: SignatureInvalid) -> str:
    text = str(exc)
    for prefix in ("the signature does not verify: ",):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
