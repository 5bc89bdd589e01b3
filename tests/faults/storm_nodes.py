"""Archive nodes that fail on request, in a process of their own, for the fan-out storm
(`test_fanout_storm.py`) and the hub benchmark (`bench/hub.py`).

    python -m tests.faults.storm_nodes --nodes 5 --down 1 --directory DIR [--slow-archive]

serves `--nodes` nodes on free loopback ports and writes `DIR/nodes.yaml` (with their
public keys) listing them and `--down` more archives at ports nobody listens on, then
prints `ready` and serves until killed. `--slow-archive` gives the last node a deadline
of its own (10 s) longer than any hub's overall one. Each node reads what to do from the
search's `purpose`: `storm-<n>:<plan>`, one letter of the plan per node in registry order:

    o ok at once       s slow: ok after 100 ms     h hang for HANG_S
    e HTTP 500         g garbage (invalid JSON)    k signed with a stranger's key

Any other purpose is answered ok at once. The nodes answer `POST /v1/search` only (HTTP/1.1
with keep-alive, on one asyncio loop: a node costs the machine as little as can be, so
that the CPU goes to the hub under test).
"""

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import orjson
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from schemas.signing import SIGNATURE_HEADER, public_pem, sign_body
from tests.federation.fanout.fakes import closed_port, record_for

EXPECTED = {"o": "ok", "s": "ok", "h": "timeout", "e": "error", "g": "error", "k": "error"}
SLOW_S, HANG_S = 0.1, 12.0
SLOW_ARCHIVE_DEADLINE_S = 10.0
log = logging.getLogger(__name__)


class StormNode:
    def __init__(self, index: int, code: str) -> None:
        self.index, self.code, self.name = index, code, f"风暴档案馆{index}"
        self.key = Ed25519PrivateKey.generate()
        self.stranger = Ed25519PrivateKey.generate()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request := await _read_request(reader):
                status, body, headers = await self.answer(request)
                head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}",
                        *(f"{name}: {value}" for name, value in headers.items())]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the hub gave up on this call (its deadline), or went away
        finally:
            writer.close()

    async def answer(self, request: bytes) -> tuple[str, bytes, dict[str, str]]:
        body = orjson.loads(request)
        purpose = str(body.get("purpose", ""))
        plan = purpose.split(":", 1)[1] if purpose.startswith("storm-") else ""
        what = plan[self.index] if self.index < len(plan) else "o"
        request_id = str(body["request_id"])
        if what == "h":
            await asyncio.sleep(HANG_S)
        elif what == "s":
            await asyncio.sleep(SLOW_S)
        elif what == "e":
            return ("500 Internal Server Error",
                    b'{"title": "Internal Server Error", "status": 500}',
                    {"Content-Type": "application/problem+json"})
        answer = {"archive": {"code": self.code, "name": self.name}, "request_id": request_id,
                  "records": [record_for(self.code, self.name)], "total": 1,
                  "truncated": False, "took_ms": 1.0}
        raw = b'{"archive": {"code": ' if what == "g" else orjson.dumps(answer)
        key = self.stranger if what == "k" else self.key
        return "200 OK", raw, {"Content-Type": "application/json",
                               SIGNATURE_HEADER: sign_body(key, raw, self.code, request_id)}


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    """The body of the next request on this connection, or None when it is closed."""
    line = await reader.readline()
    if not line:
        return None
    length = 0
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    return await reader.readexactly(length)


async def main(arguments: argparse.Namespace) -> None:
    nodes = [StormNode(i, f"59{i:04d}") for i in range(arguments.nodes)]
    entries = []
    for node in nodes:
        server = await asyncio.start_server(node.serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        entry = _entry(arguments.directory, node.code, node.name,
                       f"http://127.0.0.1:{port}", node.key)
        if arguments.slow_archive and node is nodes[-1]:
            entry["deadline_s"] = SLOW_ARCHIVE_DEADLINE_S
        entries.append(entry)
    for down in range(arguments.down):
        code = f"58{down:04d}"
        entries.append(_entry(arguments.directory, code, f"停机档案馆{down}",
                              f"http://127.0.0.1:{closed_port()}", Ed25519PrivateKey.generate()))
    (arguments.directory / "nodes.yaml").write_text(
        yaml.safe_dump({"nodes": entries}, allow_unicode=True), "utf-8")
    print("ready", flush=True)
    await asyncio.Event().wait()


def _entry(directory: Path, code: str, name: str, url: str,
           key: Ed25519PrivateKey) -> dict:
    path = directory / f"{code}.pem"
    path.write_bytes(public_pem(key.public_key()))
    return {"code": code, "name": name, "url": url, "public_key": str(path)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=5)
    parser.add_argument("--down", type=int, default=1)
    parser.add_argument("--directory", type=Path, required=True)
    parser.add_argument("--slow-archive", action="store_true")
    try:
        asyncio.run(main(parser.parse_args()))
    except KeyboardInterrupt:
        sys.exit(0)
