"""HTTP Signatures for ActivityPub, as Mastodon signs and checks them.

Outgoing requests are signed with draft-cavage-http-signatures-12 (``Signature`` header,
``Digest: SHA-256=…``), which every Fediverse server still accepts. Incoming requests may
carry either that or RFC 9421 (``Signature-Input`` + ``Signature``, ``Content-Digest``), which
Mastodon 4.5 accepts; :func:`verify_any` picks the scheme from the headers present.

Framework-free: everything works on method, URL or path, a headers mapping and body bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Mastodon accepts a Date up to about an hour off; a far-future Date is as suspicious as an
# old one (it would let a captured request be replayed for longer).
MAX_SKEW = 3600
DEFAULT_PORTS = {"http": 80, "https": 443}
# hs2019 means "whatever the key says"; with an RSA key Mastodon treats it as rsa-sha256.
ALGORITHMS = {"rsa-sha256", "hs2019"}


class SignatureError(Exception):
    """The request's signature cannot be trusted; the message says why."""


class MissingSignature(SignatureError):
    pass


class MalformedSignature(SignatureError):
    pass


class UnknownKey(SignatureError):
    pass


class BadSignature(SignatureError):
    pass


class StaleSignature(SignatureError):
    """Date (or RFC 9421 ``created``) lies outside the accepted window."""


class MissingDigest(SignatureError):
    pass


class DigestMismatch(SignatureError):
    pass


class WeakSignature(SignatureError):
    """A header that must be covered (request target, host, date, digest) is not signed."""


class KeyNeedsFetching(Exception):
    """Raised by a lookup that may not wait for the network (the one a web request uses):
    the signature can only be checked once the key has been fetched, elsewhere."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"the key {key_id} must be fetched first")
        self.key_id = key_id


class KeyLookup(Protocol):
    """Returns the PEM public key for a key id, or None if there is none.

    ``refresh=True`` asks a caching caller to fetch the key again: the verifier does this
    once when the cached key does not match, because the actor may have rotated its key.
    """

    def __call__(self, key_id: str, refresh: bool = False) -> str | None: ...


@dataclass(frozen=True)
class VerifiedSignature:
    key_id: str
    scheme: str  # "cavage" or "rfc9421"
    covered: tuple[str, ...]
    signed_at: datetime


# --- keys ------------------------------------------------------------------------------------


def generate_key_pair() -> tuple[str, str]:
    """A new RSA-2048 key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


# Loading a PEM checks the key at length (~30 ms); signing with it takes 0.3 ms.
@lru_cache(maxsize=256)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA keys are supported for signing")
    return key


def _rsa_verify(public_pem: str, signature: bytes, message: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # The PEM came from someone else's actor document: a broken one fails the check.
        return False
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def check_with_rotation(
    key_id: str, public_key_for: KeyLookup, check: Callable[[str], bool]
) -> None:
    """Run ``check`` with the (possibly cached) key, and once more with a refetched key."""
    public_pem = public_key_for(key_id)
    if public_pem is None:
        raise UnknownKey(f"no public key for {key_id}")
    if check(public_pem):
        return
    fresh_pem = public_key_for(key_id, refresh=True)
    if fresh_pem and fresh_pem != public_pem and check(fresh_pem):
        return
    raise BadSignature(f"signature does not match the key {key_id}")


# --- shared header and time handling ----------------------------------------------------------


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value.strip() for name, value in headers.items()}


def host_header(url: str) -> str:
    """``host`` or ``host:port`` – the port only when it is not the scheme's default."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        return f"{host}:{parts.port}"
    return host


def request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def check_window(signed_at: datetime, now: datetime | None, max_skew: float) -> None:
    now = now or datetime.now(UTC)
    try:
        drift = (now - signed_at).total_seconds()
    except OverflowError:  # e.g. year 1 with an offset that moves it before year 1 in UTC
        raise StaleSignature(f"signed at {signed_at!r}, out of any window") from None
    if drift > max_skew:
        raise StaleSignature(f"signed {int(drift)} s ago, more than {max_skew:g} s")
    if -drift > max_skew:
        raise StaleSignature(f"signed {int(-drift)} s in the future")


def _parse_date(value: str | None) -> datetime:
    if value is None:
        raise MalformedSignature("the request has no Date header")
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise MalformedSignature(f"unreadable Date header {value!r}") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _check_digest(header: str | None, body: bytes) -> None:
    if header is None:
        raise MissingDigest("the request has a body but no Digest header")
    # "SHA-256=…, SHA-512=…": the algorithm name is case-insensitive, SHA-256 is required.
    values = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part.strip())
    values = {name.lower(): value for name, value in values.items()}
    if "sha-256" not in values:
        raise MissingDigest("the Digest header has no SHA-256 value")
    expected = _digest(body).split("=", 1)[1]
    if not hmac.compare_digest(values["sha-256"], expected):
        raise DigestMismatch("Digest does not match the body")


# --- draft-cavage signing -------------------------------------------------------------------


def _signing_string(names: list[str], values: Mapping[str, str]) -> bytes:
    return "\n".join(f"{name}: {values[name]}" for name in names).encode()


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    key_id: str,
    private_pem: str,
    now: datetime | None = None,
) -> dict[str, str]:
    """The headers to add to a request so Mastodon accepts its signature.

    Signs ``(request-target) host date`` plus ``digest content-type`` for a request with a
    body (every POST, as Mastodon requires a signed Digest on POST) or ``accept`` for a GET.
    """
    method = method.lower()
    given = lower_headers(headers)
    added = {
        "Host": given.get("host") or host_header(url),
        "Date": given.get("date") or format_datetime(now or datetime.now(UTC), usegmt=True),
    }
    values = {
        **given,
        "(request-target)": f"{method} {request_target(url)}",
        "host": added["Host"],
        "date": added["Date"],
    }
    names = ["(request-target)", "host", "date"]
    if body or method == "post":
        added["Digest"] = values["digest"] = _digest(body or b"")
        names.append("digest")
        names += ["content-type"] if "content-type" in values else []
    else:
        names += ["accept"] if "accept" in values else []
    signature = _private_key(private_pem).sign(
        _signing_string(names, values), padding.PKCS1v15(), hashes.SHA256()
    )
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return added


# --- draft-cavage verification --------------------------------------------------------------

_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))\s*(?:,|$)')


def parse_signature_header(value: str) -> dict[str, str]:
    params = {}
    position = 0
    while position < len(value):
        match = _PARAM.match(value, position)
        if not match or match.end() == position:
            raise MalformedSignature(f"unreadable Signature header near {value[position:]!r}")
        params[match[1]] = match[2] if match[2] is not None else match[3]
        position = match.end()
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise MalformedSignature(f"Signature header has no {required}")
    return params


def _covered(params: dict[str, str], has_body: bool) -> list[str]:
    names = params.get("headers", "date").lower().split()
    required = ["(request-target)", "host", "date"] + (["digest"] if has_body else [])
    missing = [name for name in required if name not in names]
    if missing:
        raise WeakSignature(f"not signed: {', '.join(missing)}")
    return names


def _cavage_values(method: str, target: str, headers: dict[str, str], names: list[str]):
    values = {"(request-target)": f"{method.lower()} {target}"}
    for name in names:
        if name in values:
            continue
        if name not in headers:
            raise MalformedSignature(f"signed header {name!r} is not in the request")
        values[name] = headers[name]
    return values


def verify(
    method: str,
    path_with_query: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    public_key_for: KeyLookup,
    now: datetime | None = None,
    max_skew: float = MAX_SKEW,
) -> VerifiedSignature:
    """Check a draft-cavage signature; raise a :class:`SignatureError` subclass if it fails."""
    given = lower_headers(headers)
    if "signature" not in given:
        raise MissingSignature("the request carries no Signature header")
    params = parse_signature_header(given["signature"])
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ALGORITHMS:
        raise MalformedSignature(f"unsupported algorithm {algorithm!r}")
    has_body = bool(body) or method.lower() == "post"
    names = _covered(params, has_body)
    signed_at = _parse_date(given.get("date"))
    check_window(signed_at, now, max_skew)
    if has_body:
        _check_digest(given.get("digest"), body or b"")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError as error:
        raise MalformedSignature("signature is not base64") from error
    # Some servers sign the path without its query string; accept either spelling.
    path = path_with_query.split("?", 1)[0]
    messages = [
        _signing_string(names, _cavage_values(method, target, given, names))
        for target in dict.fromkeys([path_with_query, path])
    ]

    def check(public_pem: str) -> bool:
        return any(_rsa_verify(public_pem, signature, message) for message in messages)

    check_with_rotation(params["keyId"], public_key_for, check)
    return VerifiedSignature(params["keyId"], "cavage", tuple(names), signed_at)


def signed_header_names(headers: Mapping[str, str]) -> set[str]:
    """The request headers a signature covers (lower case): what must be kept of a request
    to check its signature later. Only call it on headers ``verify_any`` has parsed."""
    given = lower_headers(headers)
    if "signature-input" in given:
        from rathaus.lib import rfc9421

        components = rfc9421.covered_components(given["signature-input"])
        return {name for name in components if not name.startswith("@")}
    names = parse_signature_header(given.get("signature", "")).get("headers", "date")
    return {name for name in names.lower().split() if not name.startswith("(")}


def verify_any(
    method: str,
    path_with_query: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    public_key_for: KeyLookup,
    now: datetime | None = None,
    max_skew: float = MAX_SKEW,
    scheme: str = "https",
) -> VerifiedSignature:
    """Verify whichever scheme the request uses: RFC 9421 if it has ``Signature-Input``.

    ``scheme`` is the one the request arrived with (behind a TLS proxy: https); RFC 9421
    signatures may cover the full target URI, which the path alone does not give.
    """
    if "signature-input" in lower_headers(headers):
        # Imported here: rfc9421 builds on this module's errors and helpers.
        from rathaus.lib import rfc9421

        return rfc9421.verify(
            method,
            path_with_query,
            headers,
            body,
            public_key_for=public_key_for,
            now=now,
            max_skew=max_skew,
            scheme=scheme,
        )
    return verify(
        method,
        path_with_query,
        headers,
        body,
        public_key_for=public_key_for,
        now=now,
        max_skew=max_skew,
    )
