"""The one HTTP client for talking to other Fediverse servers.

Every remote URL comes from someone else (an actor document, a WebFinger answer, a Signature
header) and may point into our own network: the metadata service, the database, the router.
So a URL must be https (http only with FEDERATION_ALLOW_HTTP) and every address its host
resolves to must be public – checked at connect time, so DNS rebinding cannot slip through.
Answers are limited in size and time; redirects are followed by hand, each target checked.

Async at the core (fan-out sends many requests over one session with a per-host limit);
:func:`run` (``lib/event_loop.py``) and :func:`fetch_json` are the doors for synchronous
Django code.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import socket
import weakref
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.helpers import is_ip_address
from aiohttp.resolver import DefaultResolver
from django.conf import settings
from yarl import URL

from rathaus.lib import event_loop, httpsig, netguard
from rathaus.lib.event_loop import run
from rathaus.lib.retry_after import parse_retry_after

AP_ACCEPT = (
    "application/activity+json, "
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
)
JRD_ACCEPT = "application/jrd+json, application/json"
ACTIVITY_CONTENT_TYPE = "application/activity+json"

MAX_BODY = 1024 * 1024  # an actor or a note is a few KiB; Mastodon's own limit is 1 MiB
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 15.0
MAX_REDIRECTS = 3
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
POST_ANSWER_BYTES = 64 * 1024  # of an inbox's answer only the start is kept, for the log
CHUNK = 64 * 1024


class RemoteError(Exception):
    """Talking to a remote server failed; the message says how."""


class Refused(RemoteError):
    """We will not contact this URL: scheme, host or address not allowed."""


class TooLarge(RemoteError):
    """The answer is larger than we read (MAX_BODY)."""


class Unreachable(RemoteError):
    """No answer: connection refused or reset, DNS failure, TLS failure, timeout."""


class NotJson(RemoteError):
    """The answer is not a JSON object."""


class BadStatus(RemoteError):
    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"{url} answered {status}")
        self.status = status
        self.retry_after = retry_after


@dataclass
class Response:
    """An inbox's answer to a POST: the fan-out worker decides what a status means."""

    status: int
    retry_after: float | None
    text: str


# --- which addresses we may contact ---------------------------------------------------------

# The rules live in lib.netguard, shared with every other client that connects on an
# outsider's or an office admin's word.
may_be_private = netguard.may_be_private
is_public = netguard.is_public


def check_url(url: str | URL) -> URL:
    """The parsed URL if we may request it, else :class:`Refused`.

    Parsed with yarl, the parser aiohttp itself uses, so the host checked is the host
    contacted. Host names are checked later, by :class:`SafeResolver`, at connect time.
    """
    try:
        parsed = url if isinstance(url, URL) else URL(url)
    except (ValueError, TypeError) as error:
        raise Refused(f"not a URL: {url!r}") from error
    allowed = {"https", "http"} if settings.FEDERATION_ALLOW_HTTP else {"https"}
    if parsed.scheme not in allowed:
        raise Refused(f"{parsed.scheme or 'no'} scheme is not allowed: {url}")
    if not parsed.host:
        raise Refused(f"no host in {url}")
    if parsed.user is not None or parsed.password is not None:
        raise Refused(f"a URL with user name or password is not allowed: {url}")
    # aiohttp connects to an IP literal without asking the resolver (it decides so with this
    # very function), so check it here; a name is checked by the resolver.
    host = parsed.host
    if is_ip_address(host) and not is_public(host) and not may_be_private(host):
        raise Refused(f"{host} is not a public address")
    return parsed


class SafeResolver(AbstractResolver):
    """aiohttp's resolver, refusing a name that resolves to any non-public address: checked
    on the very addresses aiohttp connects to, so DNS rebinding changes nothing."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not may_be_private(host):
            for result in results:
                if not is_public(result["host"]):
                    raise Refused(f"{host} resolves to {result['host']}, not a public address")
        return results

    async def close(self) -> None:
        await self._inner.close()


# --- sessions and requests ------------------------------------------------------------------


def session(*, limit: int = 100, limit_per_host: int = 4) -> aiohttp.ClientSession:
    """A client session with the safe resolver; call it inside a running event loop.

    ``limit_per_host`` keeps fan-out from opening more than a few connections to one server.
    No DNS cache: the allow-list is read on every lookup. No cookies, no proxy from the
    environment.
    """
    connector = aiohttp.TCPConnector(
        limit=limit, limit_per_host=limit_per_host, resolver=SafeResolver(), use_dns_cache=False
    )
    client = aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": user_agent()},
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
    )
    if asyncio.get_running_loop() is event_loop.started_loop():
        _shared().sessions.add(client)  # long-lived ones (fan-out's) are closed at exit
    return client


def user_agent() -> str:
    """Names the installation, as Mastodon does, so a remote admin knows whom to ask."""
    scheme = "http" if settings.FEDERATION_ALLOW_HTTP else "https"
    return f"Rathaus/0.1 (ActivityPub; +{scheme}://{settings.FEDERATION_DOMAIN}/)"


def _timeout() -> aiohttp.ClientTimeout:
    # Built per request from the module constants, so tests (and callers) may change them.
    return aiohttp.ClientTimeout(total=TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT)


async def _read(response: aiohttp.ClientResponse, limit: int, *, cut: bool = False) -> bytes:
    """At most ``limit`` bytes of the body: more is TooLarge or, with ``cut``, cut off."""
    if not cut and (response.content_length or 0) > limit:
        raise TooLarge(f"{response.url} announces {response.content_length} bytes")
    data = bytearray()
    # Counted after decompression, so a small gzip bomb is stopped too.
    async for chunk in response.content.iter_chunked(CHUNK):
        data += chunk
        if len(data) > limit:
            if cut:
                return bytes(data[:limit])
            raise TooLarge(f"{response.url} sends more than {limit} bytes")
    return bytes(data)


def _transport_error(url: URL, error: BaseException) -> RemoteError:
    if isinstance(error, aiohttp.InvalidURL):
        return Refused(f"not a URL aiohttp accepts: {url} ({error})")
    if isinstance(error, TimeoutError):
        return Unreachable(f"{url} did not answer in time")
    return Unreachable(f"{url}: {error.__class__.__name__} {error}".strip())


def _redirect_target(current: URL, location: str) -> URL:
    # A relative Location is resolved against the URL that answered; the result is checked
    # like any other URL, so a redirect cannot lead to an address we would not contact.
    try:
        target = current.join(URL(location))
    except (ValueError, TypeError) as error:
        raise Refused(f"{current} redirects to an unreadable location {location!r}") from error
    return check_url(target)


async def get_json(
    session: aiohttp.ClientSession,
    url: str,
    *,
    key_id: str | None = None,
    private_pem: str | None = None,
    accept: str = AP_ACCEPT,
    limit: int = MAX_BODY,
) -> dict[str, Any]:
    """GET a JSON object (an ActivityStreams document unless ``accept`` says otherwise),
    signed with the key if one is given, as servers with authorized fetch require."""
    key = (key_id, private_pem) if key_id and private_pem else None
    body = await _get(session, check_url(url), accept, key, limit)
    try:
        document = json.loads(body)
    except ValueError as error:
        raise NotJson(f"{url} did not answer with JSON") from error
    if not isinstance(document, dict):
        raise NotJson(f"{url} answered with JSON that is not an object")
    return document


async def _get(
    client: aiohttp.ClientSession,
    current: URL,
    accept: str,
    key: tuple[str, str] | None,
    limit: int,
) -> bytes:
    for _hop in range(MAX_REDIRECTS + 1):
        headers = {"Accept": accept}
        if key:  # signed anew for every URL: the signature covers path and host
            headers |= httpsig.sign(
                "GET", str(current), headers, None, key_id=key[0], private_pem=key[1]
            )
        try:
            async with client.get(
                current, headers=headers, allow_redirects=False, timeout=_timeout()
            ) as response:
                if response.status in REDIRECT_STATUSES and "Location" in response.headers:
                    current = _redirect_target(current, response.headers["Location"])
                    continue
                if not 200 <= response.status < 300:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    raise BadStatus(str(current), response.status, retry_after)
                return await _read(response, limit)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise _transport_error(current, error) from error
    raise Refused(f"{current}: more than {MAX_REDIRECTS} redirects")


async def post_signed(
    session: aiohttp.ClientSession, url: str, body: bytes, *, key_id: str, private_pem: str
) -> Response:
    """POST an activity to an inbox, signed. Any HTTP status is an answer (returned, not
    raised): the caller decides between done, retry and give up. Redirects are not
    followed – an inbox that moved must be learnt from the actor document."""
    target = check_url(url)
    headers = {"Content-Type": ACTIVITY_CONTENT_TYPE}
    headers |= httpsig.sign(
        "POST", str(target), headers, body, key_id=key_id, private_pem=private_pem
    )
    try:
        async with session.post(
            target, data=body, headers=headers, allow_redirects=False, timeout=_timeout()
        ) as response:
            text = (await _read(response, POST_ANSWER_BYTES, cut=True)).decode("utf-8", "replace")
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return Response(response.status, retry_after, text[:500])
    except (TimeoutError, aiohttp.ClientError) as error:
        raise _transport_error(target, error) from error


# --- the synchronous door -------------------------------------------------------------------


class _Shared:
    """The private loop's shared session, and every session made on it (closed at exit)."""

    loop: asyncio.AbstractEventLoop | None = None
    session: aiohttp.ClientSession | None = None
    sessions: weakref.WeakSet[aiohttp.ClientSession] = weakref.WeakSet()


def _shared() -> type[_Shared]:
    # A fork starts a new private loop in the child; the parent's sessions belong to the old.
    loop = event_loop.private_loop()
    if _Shared.loop is not loop:
        _Shared.loop, _Shared.session, _Shared.sessions = loop, None, weakref.WeakSet()
    return _Shared


async def _fetch(url: str, accept: str, key_id: str | None, private_pem: str | None) -> dict:
    # Runs on the private loop only, which is single-threaded: no lock around the session.
    shared = _shared()
    if shared.session is None or shared.session.closed:
        shared.session = session()
    return await get_json(
        shared.session, url, key_id=key_id, private_pem=private_pem, accept=accept
    )


def fetch_json(url: str, *, accept: str = AP_ACCEPT, signed: bool = True) -> dict[str, Any]:
    """GET a remote document from synchronous code, signed by the instance actor (so that
    servers with authorized fetch answer); ``signed=False`` for WebFinger and the like."""
    key_id = private_pem = None
    if signed:
        from rathaus.federation import identities
        from rathaus.federation.models import InstanceActor

        key_id = identities.instance_actor() + "#main-key"
        private_pem = InstanceActor.get().private_key_pem
    return run(_fetch(url, accept, key_id, private_pem))


async def _close_all() -> None:
    await asyncio.gather(*(client.close() for client in list(_Shared.sessions)))


@atexit.register
def _close_sessions() -> None:
    # Sessions left open on the private loop (the shared one, fan-out's) are closed, so the
    # interpreter does not warn about them at exit. Best effort: the process is ending.
    loop = event_loop.started_loop()
    if loop is not None and loop is _Shared.loop and loop.is_running():
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_close_all(), loop).result(timeout=2)
