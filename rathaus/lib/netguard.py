"""Which network addresses Rathaus may connect to on someone else's word.

Every address that comes from outside (a Fediverse actor, a platform's answer) or that an
office admin types (a Mastodon instance, an IMAP or SMTP server, a webhook, an import URL)
could point into the operator's own network: the metadata service, the database, Redis.
So such an address must resolve to public addresses only, checked at *connect time* on the
very addresses connected to (checking when a form is saved lets DNS rebinding through).

The operator's allow-list, ``RATHAUS_FEDERATION_PRIVATE_HOSTS``, admits named hosts on
loopback or private networks (tests, demos, an internal mail server).
"""

from __future__ import annotations

import ipaddress
import socket

from django.conf import settings

CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """We will not connect there: not a public address, or not an address at all."""


def bare(host: str) -> str:
    """A host name as compared: no brackets, no trailing dot, lower case."""
    return host.strip().strip("[]").rstrip(".").lower()


def may_be_private(host: str) -> bool:
    """True if the operator allowed this host to resolve to a non-public address."""
    allowed = getattr(settings, "FEDERATION_PRIVATE_HOSTS", [])
    return bare(host) in {bare(str(name)) for name in allowed}


def is_public(address: str) -> bool:
    """True if an IP address is reachable on the public internet, i.e. none of ours."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 is judged as the IPv4 address it reaches.
        nat64 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None
        ip = ip.ipv4_mapped or ip.sixtofour or nat64 or ip
    # is_global alone lets IPv4 multicast through; the rest is spelt out for the reader.
    ours = (ip.is_private, ip.is_loopback, ip.is_link_local, ip.is_multicast, ip.is_reserved)
    return ip.is_global and not any(ours) and not ip.is_unspecified and ip not in CGNAT


def resolve_public(host: str, port: int) -> list[tuple]:
    """``getaddrinfo`` for a TCP connection to ``host:port``, refusing (:class:`Refused`) a
    host any of whose addresses is not public, unless the operator allowed it. Connect to
    exactly the addresses returned (see :func:`create_connection`), never resolve again."""
    if not host or any(c in host for c in "/@ \t\r\n"):
        raise Refused(f"{host!r} is not a host name")
    try:
        infos = socket.getaddrinfo(bare(host), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(f"{host} cannot be found") from error
    if not infos:
        raise Refused(f"{host} cannot be found")
    if not may_be_private(host):
        for info in infos:
            if not is_public(info[4][0]):
                raise Refused(f"{host} is not a public address")
    return infos


def create_connection(address: tuple[str, int], timeout: float | None = None, *_, **__):
    """A drop-in for ``socket.create_connection`` that connects only to checked addresses:
    for clients built on plain sockets (imaplib, smtplib), whose ``_create_socket`` or
    ``_get_socket`` call it."""
    host, port = address
    last: OSError | None = None
    for family, kind, proto, _name, sockaddr in resolve_public(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            sock.close()
            last = error
    raise last or OSError(f"cannot connect to {host}:{port}")
