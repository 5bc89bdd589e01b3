"""What waitress answers by itself (a body over the limit, malformed HTTP) is problem+json
like everything else, given before the body is read."""

import json
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from runtime.serving import ProblemServer


@pytest.fixture
def server() -> Iterator[ProblemServer]:
    app = Flask(__name__)
    app.add_url_rule("/echo", "echo", lambda: "ok", methods=["POST"])
    served = ProblemServer(app, host="127.0.0.1", port=0, threads=2, ident="test",
                           max_request_body_size=1024)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield served
    served.close()
    served.task_dispatcher.shutdown()


def exchange(server: ProblemServer, head: bytes, body: bytes = b"") -> tuple[str, dict, bytes]:
    with socket.create_connection(("127.0.0.1", server.effective_port), timeout=10) as sock:
        sock.sendall(head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    top, _, content = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return lines[0], headers, content


def test_a_body_declared_too_large_is_a_413_problem_unread(server):
    # 100 MB announced, none of it sent: the answer comes from the headers alone
    status, headers, content = exchange(
        server, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000000\r\n\r\n")
    assert status.startswith("HTTP/1.1 413")
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(content)["status"] == 413


def test_a_chunked_body_past_the_limit_is_a_413_problem(server):
    chunk = b"400\r\n" + b"a" * 1024 + b"\r\n"
    status, headers, content = exchange(
        server, b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunk * 3 + b"0\r\n\r\n")
    assert status.startswith("HTTP/1.1 413")
    assert json.loads(content)["title"] == "Request Entity Too Large"


def test_malformed_http_is_a_400_problem_and_good_requests_pass(server):
    status, headers, content = exchange(server, b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                                                b"Content-Length: nope\r\n\r\n")
    assert status.startswith("HTTP/1.1 400")
    assert headers["Content-Type"] == "application/problem+json"
    status, _, content = exchange(server, b"POST /echo HTTP/1.1\r\nHost: x\r\n"
                                          b"Connection: close\r\nContent-Length: 2\r\n\r\n",
                                  b"{}")
    assert status.startswith("HTTP/1.1 200") and content == b"ok"
