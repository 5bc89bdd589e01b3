"""A private redis-server for the Redis tests (never the shared one on 6379), and a scan of
everything it holds for personal data in any encoding. No tests here: the helpers only.

The server runs without persistence in a temp dir on a free loopback port; tests may stop,
pause (SIGSTOP) and restart it on the same port. Without the redis-server binary the
tests that need it skip, saying so.
"""

import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

import pytest
import redis

from federation.fanout.cache import AnswerCache
from federation.fanout.shared import SharedRedis

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def need_redis_server() -> None:
    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.skip("redis-server is not installed (apt-get install redis-server)")


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        need_redis_server()
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.02)
        raise RuntimeError(f"private redis-server did not start on {self.port}: "
                           f"{(self.directory / 'redis.log').read_text()[-500:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case a test left it paused
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def relax(shared: SharedRedis, socket_timeout_s: float = 1.0) -> None:
    """Longer socket timeouts for a hub's Redis client in tests that are not about them."""
    shared.client.connection_pool.connection_kwargs.update(
        socket_timeout=socket_timeout_s, socket_connect_timeout=socket_timeout_s)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def everything_in(client: redis.Redis) -> list[bytes]:
    """Every key and every value (strings, hash fields and values) the server holds."""
    found: list[bytes] = []
    for key in client.scan_iter(count=1000):
        found.append(key)
        kind = client.type(key)
        if kind == b"string":
            found.append(client.get(key) or b"")
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                found += [field, value]
        elif kind == b"list":  # the rate limits' moving windows: times of calls
            found += client.lrange(key, 0, -1)
        else:
            raise AssertionError(f"unexpected {kind!r} at {key!r}")
    return found


def forms_of(text: str) -> set[bytes]:
    """`text` as it could appear in stored bytes: encodings, escapes, hex, base64, hashes."""
    forms: set[bytes] = set()
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "gb18030", "big5"):
        try:
            forms.add(text.encode(encoding))
        except UnicodeEncodeError:
            pass
    raw = text.encode()
    escaped = json.dumps(text).strip('"').encode()
    forms |= {escaped, escaped.upper(), raw.hex().encode(), raw.hex().upper().encode(),
              urllib.parse.quote(text).encode(), hashlib.sha256(raw).hexdigest().encode(),
              hashlib.sha256(raw).digest(), hashlib.md5(raw).hexdigest().encode()}
    for shift in range(3):  # base64 of the text wherever it starts in a longer string
        encoded = base64.b64encode(b"\0" * shift + raw)[4:-4]
        if len(encoded) >= 8:
            forms.add(encoded)
    return {form for form in forms if form}


def assert_nothing_names(stored: Iterable[bytes], *texts: str) -> None:
    stored = list(stored)
    assert stored, "nothing stored: the scan would prove nothing"
    for text in texts:
        for form in forms_of(text):
            hits = [item[:80] for item in stored if form in item]
            assert not hits, f"{text!r} found as {form!r} in {hits}"


def hub_worker(make_fanout, nodes: list, url: str, secret: bytes, cache_s: float = 5.0,
               retry_after_s: float = 5.0, socket_timeout_s: float = 1.0,
               **options: object):  # type: ignore[no-untyped-def]
    """A FanOut as one hub worker builds it over Redis at `url` (`make_fanout`: the
    `fanout` fixture of conftest.py, which closes it). The socket timeout is longer than
    the hub's own unless a test is about it: a busy CI machine must not blow the fuse."""
    shared = SharedRedis(url, socket_timeout_s=socket_timeout_s, retry_after_s=retry_after_s)
    cache = AnswerCache(shared, secret, cache_s) if cache_s else None
    return make_fanout(nodes, shared=shared, cache=cache, **options)
