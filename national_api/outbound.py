"""Where the hub may call out: a national client's callback URL is checked when it is given
and again at every delivery, and the delivery goes to the very address that was checked.

A callback URL must be https, name a host (no user or password in it), and every address
its host resolves to must be a public one: never loopback, private (RFC 1918, unique local
IPv6), link-local (the cloud metadata service at 169.254.169.254 among them), shared
(100.64.0.0/10), multicast, reserved or unspecified, nor an IPv4 address mapped into IPv6
that is one of these. The name is resolved, and the connection is made to the address that
passed (the host name kept for TLS and `Host`), so DNS cannot route a delivery elsewhere
between the check and the call. `allow_private` (the setting CALLBACKS_ALLOW_PRIVATE, for
development and the demo's local stand-in platform) also allows http, loopback and private
addresses, never link-local ones (the metadata service), multicast or unspecified.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3

SHARED = ipaddress.ip_network("100.64.0.0/10")


class CallbackRefused(ValueError):
    """The URL may not be called; the message says why (in English, for the operator)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query
    address: str  # the resolved address the call goes to


def check_url(url: str, allow_private: bool = False) -> Target:
    """The URL's target if it may be called, else CallbackRefused saying why."""
    parts = urlsplit(url)
    if parts.scheme not in (("https", "http") if allow_private else ("https",)):
        raise CallbackRefused("A callback URL must be https.")
    if parts.username or parts.password:
        raise CallbackRefused("A callback URL may not carry a user or password.")
    if not parts.hostname:
        raise CallbackRefused("A callback URL names a host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise CallbackRefused(f"The callback URL's port is not a port: {exc}.") from None
    addresses = _resolve(parts.hostname, port)
    allowed = is_local if allow_private else is_public
    for address in addresses:
        if not allowed(address):
            raise CallbackRefused(f"The callback host {parts.hostname} resolves to {address}, "
                                  f"which is not a public address.")
    path = parts.path or "/"
    return Target(parts.scheme, parts.hostname, port,
                  path + (f"?{parts.query}" if parts.query else ""), addresses[0])


def is_public(address: str) -> bool:
    ip = _unmapped(ipaddress.ip_address(address))
    if isinstance(ip, ipaddress.IPv4Address) and ip in SHARED:
        return False
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified)


def is_local(address: str) -> bool:
    """Public, or this machine's or the local network's: what development may call."""
    ip = _unmapped(ipaddress.ip_address(address))
    return is_public(address) or ip.is_loopback or (
        ip.is_private and not (ip.is_link_local or ip.is_multicast or ip.is_unspecified
                               or ip.is_reserved))


def _unmapped(ip: ipaddress.IPv4Address | ipaddress.IPv6Address
              ) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def post(url: str, body: bytes, headers: dict[str, str], timeout_s: float,
         allow_private: bool = False) -> tuple[int, str]:
    """POST to the checked address of `url` (no redirects): (status, the answer's start)."""
    target = check_url(url, allow_private)
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    timeout = urllib3.Timeout(connect=timeout_s, read=timeout_s)
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            target.address, target.port, timeout=timeout, retries=False,
            server_hostname=target.host, assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where())
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout,
                                          retries=False)
    try:
        response = pool.urlopen("POST", target.path, body=body, redirect=False,
                                headers={**headers, "Host": host_header},
                                preload_content=False)
        text = response.read(200, decode_content=True).decode("utf-8", "replace")
        response.release_conn()
        return response.status, text
    finally:
        pool.close()


def _resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CallbackRefused(f"The callback host {host} cannot be resolved: {exc}.") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise CallbackRefused(f"The callback host {host} resolves to no address.")
    return addresses
