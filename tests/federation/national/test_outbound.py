"""A callback URL goes only where it should: https to public addresses, checked when given
and again at delivery, to the address that was checked; the demo's loopback stand-in only
with the development setting."""

import socket
from datetime import UTC, datetime

import pytest

from national_api import outbound
from national_api.outbound import CallbackRefused, check_url, is_public
from tests.federation.national.conftest import SUBMISSION, platform_on


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.1.1",
    "0.0.0.0", "224.0.0.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1",
    "::ffff:169.254.169.254"])
def test_addresses_inside_or_special_are_not_public(address):
    assert not is_public(address)


def test_public_addresses_are(monkeypatch):
    assert is_public("1.2.3.4") and is_public("2001:4860:4860::8888")


@pytest.mark.parametrize(("url", "why"), [
    ("http://1.2.3.4/cb", "https"), ("ftp://1.2.3.4/cb", "https"),
    ("https://user:secret@1.2.3.4/cb", "user or password"), ("https:///cb", "host"),
    ("https://127.0.0.1/cb", "not a public address"),
    ("https://169.254.169.254/latest/meta-data", "not a public address"),
    ("https://[::1]:8443/cb", "not a public address"),
    ("https://localhost/cb", "not a public address"),
    ("https://no-such-host.invalid/cb", "cannot be resolved"),
])
def test_callback_urls_that_are_refused(url, why):
    with pytest.raises(CallbackRefused, match=why):
        check_url(url)


def test_a_name_is_judged_by_every_address_it_resolves_to(monkeypatch):
    def resolves(host, port, **_):  # type: ignore[no-untyped-def]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("1.2.3.4", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(outbound.socket, "getaddrinfo", resolves)
    with pytest.raises(CallbackRefused, match="10.0.0.5"):
        check_url("https://platform.example.org/cb")


def test_development_allows_the_local_stand_in():
    target = check_url("http://127.0.0.1:8191/callbacks?x=1", allow_private=True)
    assert (target.scheme, target.address, target.port, target.path) == (
        "http", "127.0.0.1", 8191, "/callbacks?x=1")


@pytest.mark.parametrize("url", ["https://169.254.169.254/latest/meta-data",
                                 "http://[fe80::1]/cb", "http://0.0.0.0:8191/cb",
                                 "http://[::ffff:169.254.169.254]/cb"])
def test_development_still_never_calls_the_metadata_service(url):
    with pytest.raises(CallbackRefused, match="not a public address"):
        check_url(url, allow_private=True)


def test_a_submission_naming_a_private_callback_is_refused(make_hub, tmp_path):
    platform = platform_on(make_hub(CALLBACKS_ALLOW_PRIVATE=False), tmp_path)
    for url in ("https://127.0.0.1/cb", "http://1.2.3.4/cb", "https://169.254.169.254/"):
        refused = platform.submit(body={**SUBMISSION, "callback_url": url})
        assert refused.status_code == 422, url
        assert "callback_url" in refused.get_json()["errors"]


def test_a_delivery_is_checked_again_when_it_is_sent(make_hub, tmp_path, monkeypatch):
    """Given a public address, resolved to loopback at delivery (DNS rebinding): refused,
    kept for later, and nothing sent."""
    platform = platform_on(make_hub(CALLBACKS_ALLOW_PRIVATE=False), tmp_path)
    monkeypatch.setattr(outbound.socket, "getaddrinfo", lambda host, port, **_: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("1.2.3.4", port))])
    number = platform.submit(body={**SUBMISSION, "callback_url":
                                   "https://platform.example.org/cb"}).get_json()["request_no"]
    monkeypatch.setattr(outbound.socket, "getaddrinfo", lambda host, port, **_: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))])
    sent = []
    monkeypatch.setattr(outbound.urllib3.HTTPSConnectionPool, "urlopen",
                        lambda *a, **k: sent.append(a))
    from national_api.delivery import deliver_due

    session = platform.session()
    try:
        run = deliver_due(session, platform.settings.signing_key, datetime.now(UTC), 1.0,
                          60.0, timeout_s=1)
    finally:
        session.close()
    assert not sent and not run.delivered and number
    assert all("not a public address" in error for error in run.failed.values())
