"""Archive nodes that fail on request, in a process of their own, for the fan-out storm
(`test_fanout_storm.py`) and the hub benchmark (`bench/hub.py`).

    python -m tests.faults.storm_nodes --nodes 5 --down 1 --directory DIR --deadline 0.4

serves `--nodes` nodes on free loopback ports and writes `DIR/nodes.yaml` (with their
public keys) listing them and `--down` more archives at ports nobody listens on, then
prints `ready` and serves until killed. Each node reads what to do from the search's
`purpose`: `storm-<n>:<plan>`, one letter of the plan per node in registry order:

    o ok at once       s slow: ok after 100 ms     h hang past the node deadline
    e HTTP 500         g garbage (invalid JSON)    k signed with a stranger's key

Any other purpose is answered ok at once.
"""

import argparse
import logging
import sys
import threading
import time
from pathlib import Path

import orjson
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from schemas.signing import SIGNATURE_HEADER, public_pem, sign_body
from tests.federation.fanout.fakes import closed_port, record_for

PLANS = "oshegk"
EXPECTED = {"o": "ok", "s": "ok", "h": "timeout", "e": "error", "g": "error", "k": "error"}
SLOW_S = 0.1


class StormNode:
    def __init__(self, index: int, code: str, hang_s: float) -> None:
        self.index, self.code, self.name = index, code, f"风暴档案馆{index}"
        self.hang_s = hang_s
        self.key = Ed25519PrivateKey.generate()
        self.stranger = Ed25519PrivateKey.generate()
        self.server = make_server("127.0.0.1", 0, self.answer, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def answer(self, environ: dict, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        body = orjson.loads(request.get_data())
        purpose = str(body.get("purpose", ""))
        plan = purpose.split(":", 1)[1] if purpose.startswith("storm-") else ""
        what = plan[self.index] if self.index < len(plan) else "o"
        response = self._respond(what, str(body["request_id"]))
        return response(environ, start_response)

    def _respond(self, what: str, request_id: str) -> Response:
        if what == "h":
            time.sleep(self.hang_s)
        elif what == "s":
            time.sleep(SLOW_S)
        elif what == "e":
            return Response(b'{"title": "Internal Server Error", "status": 500}', 500,
                            mimetype="application/problem+json")
        answer = {"archive": {"code": self.code, "name": self.name}, "request_id": request_id,
                  "records": [record_for(self.code, self.name)], "total": 1,
                  "truncated": False, "took_ms": 1.0}
        raw = b'{"archive": {"code": ' if what == "g" else orjson.dumps(answer)
        response = Response(raw, 200, mimetype="application/json")
        key = self.stranger if what == "k" else self.key
        response.headers[SIGNATURE_HEADER] = sign_body(key, raw, self.code, request_id)
        return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--down", type=int, default=1)
    parser.add_argument("--directory", type=Path, required=True)
    parser.add_argument("--deadline", type=float, default=0.4, help="the hub's node deadline")
    arguments = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    nodes = [StormNode(i, f"59{i:04d}", arguments.deadline + 0.5)
             for i in range(arguments.nodes)]
    entries = []
    for node in nodes:
        threading.Thread(target=node.server.serve_forever, daemon=True).start()
        entries.append(_entry(arguments.directory, node.code, node.name, node.url,
                              node.key))
    for down in range(arguments.down):
        code = f"58{down:04d}"
        entries.append(_entry(arguments.directory, code, f"停机档案馆{down}",
                              f"http://127.0.0.1:{closed_port()}", Ed25519PrivateKey.generate()))
    (arguments.directory / "nodes.yaml").write_text(
        yaml.safe_dump({"nodes": entries}, allow_unicode=True), "utf-8")
    print("ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


def _entry(directory: Path, code: str, name: str, url: str,
           key: Ed25519PrivateKey) -> dict:
    path = directory / f"{code}.pem"
    path.write_bytes(public_pem(key.public_key()))
    return {"code": code, "name": name, "url": url, "public_key": str(path)}


if __name__ == "__main__":
    sys.exit(main())
