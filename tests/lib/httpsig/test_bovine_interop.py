"""Interop with an independent implementation: bovine (PyPI), a Fediverse server library.

Both directions, in-process: bovine's own client functions sign (with a stand-in aiohttp
session that captures the request instead of sending it), bovine's SignatureChecker verifies.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from bovine.clients.signed_http_methods import signed_get, signed_post
from bovine.crypto.helper import content_digest_sha256
from bovine.crypto.http_signature import HttpSignature
from bovine.crypto.signature_checker import SignatureChecker
from bovine.crypto.types import CryptographicIdentifier, CryptographicSecret

from rathaus.lib import rfc9421
from rathaus.lib.httpsig import BadSignature, generate_key_pair, sign, verify, verify_any


def _run(coroutine):
    """bovine is asynchronous. Its coroutines run on a loop of their own in a worker thread:
    after the browser tests, Playwright keeps an event loop running in this thread, and
    asyncio.run() refuses to start inside it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


KEY_ID = "https://presse.mitte.example/@mitte#main-key"
OWNER = "https://presse.mitte.example/@mitte"
INBOX = "https://social.example/users/anna/inbox"
BODY = b'{"type":"Create","actor":"https://presse.mitte.example/@mitte"}'


def _bovine_accepts(method, url, headers, body, public_pem) -> str | None:
    async def retrieve(key_id):
        return CryptographicIdentifier.from_pem(public_pem, OWNER) if key_id == KEY_ID else None

    async def read_body():
        return body

    checker = SignatureChecker(retrieve)
    # bovine reads header names in lower case, as aiohttp/quart hand them over.
    lowered = {name.lower(): value for name, value in headers.items()}
    return _run(checker.validate_signature(method, url, lowered, read_body))


class CapturingSession:
    """Stands in for aiohttp.ClientSession: keeps the request bovine would send."""

    async def get(self, url, headers, **options):
        self.request = ("GET", url, headers, None)

    async def post(self, url, data, headers, **options):
        self.request = ("POST", url, headers, data.encode())


# --- (a) signed by us, accepted by bovine ---------------------------------------------------


def test_bovine_accepts_our_signed_post(keys):
    headers = {"Content-Type": "application/activity+json"}
    headers |= sign("POST", INBOX, headers, BODY, key_id=KEY_ID, private_pem=keys[0])
    assert _bovine_accepts("POST", INBOX, headers, BODY, keys[1]) == OWNER


def test_bovine_accepts_our_signed_get(keys):
    url = "https://social.example:8443/users/anna"
    headers = {"Accept": "application/activity+json"}
    headers |= sign("GET", url, headers, None, key_id=KEY_ID, private_pem=keys[0])
    assert _bovine_accepts("GET", url, headers, None, keys[1]) == OWNER


def test_bovine_builds_the_same_rfc9421_signature_base(keys):
    # bovine 0.5.19's SignatureChecker passes bytes to http_sf.parse_dictionary, which the
    # http-sf 1.x it requires no longer accepts, so its RFC 9421 path crashes before checking
    # anything. Its RFC 9421 signature-base builder and verifier are driven directly instead.
    headers = {"Host": "social.example", "Content-Type": "application/activity+json"}
    added = rfc9421.sign(
        "POST",
        INBOX,
        headers,
        BODY,
        key_id=KEY_ID,
        private_pem=keys[0],
        components=("@method", "@path", "@authority"),
    )
    params = added["Signature-Input"].removeprefix("sig1=")
    base = (
        HttpSignature()
        .with_field("@method", "POST")
        .with_field("@path", "/users/anna/inbox")
        .with_field("@authority", "social.example")
        .with_field("content-digest", added["Content-Digest"])
        .with_field("@signature-params", params)
    )
    signature = added["Signature"].removeprefix("sig1=:").removesuffix(":")
    identity = CryptographicIdentifier.from_pem(keys[1], OWNER)
    assert base.verify_with_identity_quoted(identity, signature) == OWNER


def test_bovine_rejects_our_post_with_a_tampered_body(keys):
    headers = sign("POST", INBOX, {}, BODY, key_id=KEY_ID, private_pem=keys[0])
    assert _bovine_accepts("POST", INBOX, headers, BODY + b" ", keys[1]) is None


# --- (b) signed by bovine, accepted by us ---------------------------------------------------


def _lookup(keys):
    return lambda key_id, refresh=False: keys[1] if key_id == KEY_ID else None


def test_we_accept_bovines_signed_post(keys):
    session = CapturingSession()
    secret = CryptographicSecret.from_pem(KEY_ID, keys[0])

    def sha256_digest(body):
        return "digest", content_digest_sha256(body, prefix="SHA-256")

    _run(signed_post(session, secret, INBOX, BODY.decode(), sha256_digest))
    method, _url, headers, body = session.request
    assert 'headers="(request-target) host date digest content-type"' in headers["signature"]
    result = verify(method, "/users/anna/inbox", headers, body, public_key_for=_lookup(keys))
    assert result.key_id == KEY_ID


def test_we_accept_bovines_lower_case_digest(keys):
    session = CapturingSession()
    secret = CryptographicSecret.from_pem(KEY_ID, keys[0])

    def sha256_digest(body):
        return "digest", content_digest_sha256(body)  # "sha-256=…"

    _run(signed_post(session, secret, INBOX, BODY.decode(), sha256_digest))
    method, _url, headers, body = session.request
    assert verify_any(method, "/users/anna/inbox", headers, body, public_key_for=_lookup(keys))


def test_we_accept_bovines_signed_get_with_port_and_query(keys):
    session = CapturingSession()
    secret = CryptographicSecret.from_pem(KEY_ID, keys[0])
    url = "https://social.example:8443/users/anna/outbox?page=true"
    _run(signed_get(session, secret, url))
    method, _url, headers, _body = session.request
    assert headers["host"] == "social.example:8443"
    result = verify(
        method, "/users/anna/outbox?page=true", headers, None, public_key_for=_lookup(keys)
    )
    assert "accept" in result.covered


def test_we_reject_bovines_post_with_a_swapped_key(keys):
    session = CapturingSession()
    secret = CryptographicSecret.from_pem(KEY_ID, generate_key_pair()[0])

    def sha256_digest(body):
        return "digest", content_digest_sha256(body, prefix="SHA-256")

    _run(signed_post(session, secret, INBOX, BODY.decode(), sha256_digest))
    method, _url, headers, body = session.request
    with pytest.raises(BadSignature):
        verify(method, "/users/anna/inbox", headers, body, public_key_for=_lookup(keys))
