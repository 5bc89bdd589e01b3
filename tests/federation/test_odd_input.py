"""No 500 on odd input, on every API: bodies too large (413 before they are read), JSON
nested too deeply or holding a lone surrogate (400), a method the address does not take
(405 with Allow); each a problem+json, in Chinese on the app."""

import io

import pytest

from tests.federation.test_queries import SUBJECT

PROBLEM = "application/problem+json"
#: (path, who calls): an endpoint of each API that takes a JSON body
JSON_APIS = [("/api/v1/queries", "clerk"), ("/mobile/api/v1/queries", "citizen"),
             ("/clerk/api/v1/requests", "clerk"), ("/api/v1/verify", None),
             ("/national/api/v1/requests", None), ("/kiosk/api/v1/sessions", None)]
DEEP = b"[" * 100_000 + b"]" * 100_000


def headers(federation, who: str | None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if who == "citizen":
        return {"Authorization": f"Bearer {federation.token('citizen', **SUBJECT)}"}
    if who == "clerk":
        return {"Authorization": f"Bearer {federation.token()}"}
    return {}


class CountingStream(io.RawIOBase):
    """A body of `size` bytes made as it is read, counting the bytes handed out."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_so_far = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures and rewinds the body
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.position, 2: self.size}[whence]
        self.position = base + offset
        return self.position

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"{" * count
        self.position += count
        self.read_so_far += count
        return count


@pytest.mark.parametrize(("path", "who"), JSON_APIS)
def test_json_nested_too_deeply_or_with_a_lone_surrogate_is_a_400(federation, path, who):
    for body in (DEEP, b'{"purpose": "\\ud800"}', b'{"subject": {"name": "\\udfff"}}',
                 b'{"\\ud83d": 1}'):
        answer = federation.hub.post(path, data=body, headers={
            **headers(federation, who), "Content-Type": "application/json"})
        assert answer.status_code == 400, (path, body[:20], answer.status_code)
        assert answer.mimetype == PROBLEM
    # a surrogate pair is a character, not a lone surrogate: that is fine
    paired = federation.hub.post(path, data=b'{"purpose": "\\ud842\\udfb7"}',
                                 headers={**headers(federation, who),
                                          "Content-Type": "application/json"})
    assert paired.status_code != 400 or "surrogate" not in paired.json["detail"]


def test_a_node_refuses_them_too(nodes):
    import requests

    _, urls = nodes
    for body in (b"[" * 30_000 + b"]" * 30_000, b'{"purpose": "\\ud800"}'):
        answer = requests.post(f"{urls['510500']}/v1/search", data=body, timeout=10,
                               headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, answer.status_code  # before the token is read
        assert answer.headers["Content-Type"] == PROBLEM


def test_a_body_too_large_is_refused_before_it_is_read(federation):
    stream = CountingStream(100 * 1024 * 1024)
    answer = federation.hub.post("/api/v1/queries", input_stream=stream,
                                 content_length=stream.size, content_type="application/json",
                                 headers=headers(federation, "clerk"))
    assert answer.status_code == 413 and answer.mimetype == PROBLEM
    assert stream.read_so_far == 0  # not a byte of it was read
    in_chinese = federation.hub.post("/mobile/api/v1/queries", input_stream=CountingStream(
        10 ** 7), content_length=10 ** 7, content_type="application/json",
        headers=headers(federation, "citizen"))
    assert in_chinese.status_code == 413 and in_chinese.json["detail"] == "提交的内容过大。"


def test_a_body_without_a_length_is_read_only_up_to_the_limit(federation):
    stream = CountingStream(100 * 1024 * 1024)
    answer = federation.hub.post(
        "/api/v1/queries", input_stream=stream, content_type="application/json",
        headers={**headers(federation, "clerk"), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True})  # as a server gives chunked
    assert answer.status_code == 413 and answer.mimetype == PROBLEM
    assert stream.read_so_far <= 2 * 1024 * 1024  # the limit (512 KiB) and a read's chunk


def test_a_pdf_upload_has_its_own_larger_limit(federation):
    small = federation.hub.post("/v/nothing/upload", data={
        "pdf": (io.BytesIO(b"%PDF-1.7 " + b"x" * 600_000), "c.pdf")},
        content_type="multipart/form-data")
    assert small.status_code == 200  # more than an API body, well within an upload
    stream = CountingStream(30 * 1024 * 1024)
    large = federation.hub.post("/v/nothing/upload", input_stream=stream,
                                content_length=stream.size,
                                content_type="multipart/form-data; boundary=x")
    assert large.status_code == 413 and stream.read_so_far == 0


def test_a_method_an_address_does_not_take_says_which_it_does(federation):
    for method, path in (("delete", "/api/v1/queries"), ("put", "/mobile/api/v1/queries"),
                         ("patch", "/clerk/api/v1/login"), ("delete", "/api/v1/verify")):
        answer = getattr(federation.hub, method)(path)
        assert answer.status_code == 405 and answer.mimetype == PROBLEM, path
        assert "POST" in answer.headers["Allow"], path
