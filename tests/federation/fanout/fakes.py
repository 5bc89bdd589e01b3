"""Fake archive nodes served over real HTTP on loopback, each with its own Ed25519 key.

`FakeNode.behaviour` says how it answers `POST /v1/search`; `FakeNode.script` lists
behaviours for the next calls first (e.g. one stall, then back to normal). Behaviours:
ok, slow (sleep `delay_ms` then ok), hang (sleep until stopped), drip (a body trickling
in one byte at a time), http500, garbage, wrong_key, wrong_archive, unsigned, stall_random
(ok, but `stall_ratio` of calls sleep `stall_ms` first). `closed_port()` gives a port
nobody listens on: a node that is down.
"""

import logging
import random
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, Response, request
from werkzeug.serving import make_server

from federation.registry import NodeEntry
from schemas.signing import SIGNATURE_HEADER, public_jwk, sign_body

LONG_S = 30.0
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per call


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def record_for(code: str, name: str, local_id: str = "1") -> dict:
    """A valid standard marriage record with its match, built by hand."""
    return {
        "record_id": f"{code}/marriage/{local_id}",
        "record_type": "marriage",
        "archive": {"code": code, "name": name},
        "reference": {"fonds_no": "0012", "catalog_no": "003", "file_no": "0012-003-0045",
                      "item_no": "1", "pages": 2},
        "event_date": "1978-05",
        "parties": [
            {"role": "husband", "name": "张国华", "name_raw": "张国华", "id_number": None,
             "id_number_raw": None, "id_number_valid": None, "gender": "M",
             "birth_date": "1952-03", "native_place": "四川泸州"},
            {"role": "wife", "name": "李秀英", "name_raw": "李秀英", "id_number": None,
             "id_number_raw": None, "id_number_valid": None, "gender": "F",
             "birth_date": "1955-07-21", "native_place": "重庆永川"},
        ],
        "details": {"registration_kind": "marriage", "certificate_no": "泸婚字第0045号",
                    "registry_office": "泸州市江阳区民政局"},
        "access": "open",
        "digitized_pages": 2,
        "match": {"score": 0.9, "basis": ["name_exact", "birth_date"]},
    }


@dataclass
class FakeNode:
    code: str
    name: str
    behaviour: str = "ok"
    delay_ms: float = 0.0
    stall_ratio: float = 0.0
    stall_ms: float = 500.0
    seed: int = 0
    record_types: frozenset[str] | None = None
    deadline_s: float | None = None
    script: deque = field(default_factory=deque)
    calls: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.other_key = Ed25519PrivateKey.generate()
        self.stopping = threading.Event()
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def entry(self) -> NodeEntry:
        public = self.key.public_key()
        return NodeEntry(self.code, self.name, self.url, {public_jwk(public)["kid"]: public},
                         self.record_types, self.deadline_s)

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _next(self) -> str:
        with self._lock:
            return self.script.popleft() if self.script else self.behaviour

    def _sleep(self, seconds: float) -> None:
        self.stopping.wait(seconds)

    def _app(self) -> Flask:
        app = Flask(f"fake-{self.code}")

        @app.post("/v1/search")
        def search() -> Response:
            body = request.get_json()
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = jwt.decode(token, options={"verify_signature": False})
            behaviour = self._next()
            with self._lock:
                self.calls.append({"jti": claims["jti"], "aud": claims["aud"],
                                   "request_id": body["request_id"], "behaviour": behaviour,
                                   "at": time.monotonic()})
                stall = self._random.random() < self.stall_ratio
            return self._answer(behaviour, body["request_id"], stall)

        return app

    def _answer(self, behaviour: str, request_id: str, stall: bool) -> Response:
        if behaviour == "stall_random":
            self._sleep((self.stall_ms if stall else self.delay_ms) / 1000)
        elif behaviour == "slow":
            self._sleep(self.delay_ms / 1000)
        elif behaviour == "hang":
            self._sleep(LONG_S)
        elif behaviour == "http500":
            problem = {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                       "detail": "the catalogue database is down"}
            return Response(orjson.dumps(problem), 500, mimetype="application/problem+json")
        elif behaviour == "drip":
            def trickle():  # type: ignore[no-untyped-def]
                yield b"{"
                for _ in range(int(LONG_S / 0.05)):
                    if self.stopping.wait(0.05):
                        return
                    yield b" "
            return Response(trickle(), 200, mimetype="application/json")
        code = "999999" if behaviour == "wrong_archive" else self.code
        answer = {"archive": {"code": code, "name": self.name}, "request_id": request_id,
                  "records": [record_for(code, self.name)], "total": 1, "truncated": False,
                  "took_ms": 1.0}
        raw = b'{"archive": {"code": ' if behaviour == "garbage" else orjson.dumps(answer)
        response = Response(raw, 200, mimetype="application/json")
        if behaviour != "unsigned":
            key = self.other_key if behaviour == "wrong_key" else self.key
            response.headers[SIGNATURE_HEADER] = sign_body(key, raw, self.code, request_id)
        return response
