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
from typing import Any

import httpcore
import httpx
import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.exceptions
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


def refusal(error: BaseException | None) -> Refused | None:
    """The :class:`Refused` behind ``error``, if any: client libraries wrap what their
    transport raised into errors of their own (Mastodon.py's network error, atproto's)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, Refused):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


LOCAL_NAMES = ("localhost", ".localhost", ".localdomain")


def check_host(host: str) -> None:
    """What can be known of a host an admin types without asking another server (for a
    form, inside a web request): refused (:class:`Refused`) is anything that is no host
    name, a literal address that is not public in any spelling (``2130706433``,
    ``0x7f.1``, ``::ffff:127.0.0.1``) and the names that always mean this machine. The
    connection itself checks again, on the addresses it connects to."""
    name = bare(host)
    if not name or any(c in host for c in "/@ \t\r\n?#\\"):
        raise Refused(f"{host!r} is not a host name")
    if may_be_private(host):
        return
    if name == LOCAL_NAMES[0] or name.endswith(LOCAL_NAMES[1:]):
        raise Refused(f"{host} is not a public address")
    try:  # numeric only: no DNS query is made
        infos = socket.getaddrinfo(name, None, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        if ":" in name:  # an IPv6 address it could not read, or a port in the host field
            raise Refused(f"{host!r} is not a host name") from None
        return  # a name: the connection resolves and checks it
    if not all(is_public(info[4][0]) for info in infos):
        raise Refused(f"{host} is not a public address")


# ----- HTTP clients: the same check inside the connection pools ----------------------------


class GuardedNetworkBackend(httpcore.NetworkBackend):
    """httpcore's way to open connections, connecting to checked addresses only. The TLS
    handshake still names the host asked for: httpcore passes it separately."""

    def __init__(self) -> None:
        self._plain = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last: Exception | None = None
        for *_, sockaddr in resolve_public(host, port):
            try:
                return self._plain.connect_tcp(
                    sockaddr[0], sockaddr[1], timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last = error
        raise last or httpcore.ConnectError(f"cannot connect to {host}:{port}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise Refused("no local sockets")

    def sleep(self, seconds: float) -> None:
        self._plain.sleep(seconds)


class HTTPTransport(httpx.HTTPTransport):
    """An httpx transport that connects only to public addresses (or allowed hosts),
    checked on every connection, redirects included: ``httpx.Client(transport=…)``. No
    proxy from the environment: a proxy would connect for us, unchecked."""

    def __init__(self, **options: Any) -> None:
        super().__init__(trust_env=False, **options)
        pool = self._pool
        if not hasattr(pool, "_network_backend"):  # httpcore changed: fail, never go unguarded
            raise RuntimeError("httpcore.ConnectionPool has no _network_backend")
        pool._network_backend = GuardedNetworkBackend()


_CONNECT_ERRORS = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)


def _guarded_new_conn(connection, new_conn):
    """urllib3's ``_new_conn`` on a checked address: the address is put where urllib3
    connects (``_dns_host``) while the TLS name and Host header keep the host asked for."""
    asked = connection._dns_host
    last: Exception | None = None
    try:
        for *_, sockaddr in resolve_public(asked, connection.port):
            connection._dns_host = sockaddr[0]
            try:
                return new_conn()
            except _CONNECT_ERRORS as error:
                last = error
    finally:
        connection._dns_host = asked  # a reconnection resolves and checks again
    raise last or OSError(f"cannot connect to {asked}")


class _HTTPConnection(urllib3.connection.HTTPConnection):
    def _new_conn(self):
        return _guarded_new_conn(self, super()._new_conn)


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    def _new_conn(self):
        return _guarded_new_conn(self, super()._new_conn)


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class RequestsAdapter(requests.adapters.HTTPAdapter):
    """A requests adapter whose connections go to checked addresses only."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def proxy_manager_for(self, proxy: str, **kwargs: Any):
        raise Refused("no proxies: a proxy would connect for us, unchecked")


def requests_session() -> requests.Session:
    """A requests session that connects only to public addresses (or allowed hosts)."""
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment (see RequestsAdapter)
    adapter = RequestsAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
