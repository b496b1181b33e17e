"""RFC 9421 HTTP Message Signatures with ``Content-Digest`` (RFC 9530), as Mastodon 4.5 checks.

The signature base (the exact bytes that are signed) comes from the maintained
``http-message-signatures`` package; this module adds the Fediverse policy on top: which
components must be covered, the ``created`` window, the body digest and key rotation.
Only one signature per request and only rsa-v1_5-sha256 are accepted, like Mastodon.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from rathaus.lib.httpsig import (
    MAX_SKEW,
    DigestMismatch,
    KeyLookup,
    MalformedSignature,
    MissingDigest,
    MissingSignature,
    StaleSignature,
    VerifiedSignature,
    WeakSignature,
    check_window,
    check_with_rotation,
    lower_headers,
)

ALGORITHM = "rsa-v1_5-sha256"
LABEL = "sig1"
DEFAULT_COMPONENTS = ("@method", "@target-uri")

_LABELS = re.compile(r"(?:^|,)\s*[a-z*][a-z0-9_.*-]*=\(")
_INPUT = re.compile(r"^\s*([a-z*][a-z0-9_.*-]*)=\(([^)]*)\)(.*)$")
_COMPONENT = re.compile(r'"([^"]+)"')
_PARAM = re.compile(r';\s*([a-z]+)=("[^"]*"|-?\d+)')
# Seconds since 1970 have 10 digits until the year 2286; longer numbers are no time.
MAX_DIGITS = 12
_SHA256 = re.compile(r"(?:^|,)\s*sha-256\s*=\s*:([A-Za-z0-9+/=]*):")


@dataclass
class _Message:
    """The request view http-message-signatures reads (and, when signing, writes)."""

    method: str
    url: str
    headers: dict[str, str]


class _OneKey(HTTPSignatureKeyResolver):
    # The key id was already resolved by the caller's lookup; the library only needs bytes.
    def __init__(self, pem: str) -> None:
        self.pem = pem.encode()

    def resolve_public_key(self, key_id: str) -> bytes:
        return self.pem

    def resolve_private_key(self, key_id: str) -> bytes:
        return self.pem


@dataclass(frozen=True)
class _Input:
    label: str
    components: tuple[str, ...]
    params: dict[str, str | int]


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    *,
    key_id: str,
    private_pem: str,
    now: datetime | None = None,
    components: Sequence[str] = DEFAULT_COMPONENTS,
) -> dict[str, str]:
    """The headers to add for an RFC 9421 signature (``Content-Digest`` covered with a body)."""
    has_body = bool(body) or method.upper() == "POST"
    message = _Message(method.upper(), url, dict(headers))
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_OneKey(private_pem)
    )
    # Given the body, the library adds Content-Digest and covers it in the signature.
    signer.sign(
        message,
        key_id=key_id,
        created=now or datetime.now(UTC),
        label=LABEL,
        covered_component_ids=list(components),
        body=(body or b"") if has_body else None,
    )
    written = lower_headers(message.headers)
    added = {"Signature-Input": written["signature-input"], "Signature": written["signature"]}
    if "content-digest" in written:
        added["Content-Digest"] = written["content-digest"]
    return added


def _parse_input(value: str) -> _Input:
    if len(_LABELS.findall(value)) > 1:
        raise MalformedSignature("only one signature per request is supported")
    match = _INPUT.match(value)
    if not match:
        raise MalformedSignature(f"unreadable Signature-Input {value!r}")
    params: dict[str, str | int] = {}
    for name, raw in _PARAM.findall(match[3]):
        if raw.startswith('"'):
            params[name] = raw.strip('"')
        elif len(raw.lstrip("-")) > MAX_DIGITS:
            raise MalformedSignature(f"the parameter {name} is no time we can read")
        else:
            params[name] = int(raw)
    return _Input(match[1], tuple(_COMPONENT.findall(match[2])), params)


def covered_components(signature_input: str) -> tuple[str, ...]:
    """The component names a Signature-Input covers, e.g. ``("@method", "content-digest")``."""
    return _parse_input(signature_input).components


def _check_covered(signature_input: _Input, has_body: bool) -> None:
    covered = set(signature_input.components)
    missing = [] if "@method" in covered else ["@method"]
    if "@target-uri" not in covered and not {"@path", "@authority"} <= covered:
        missing.append("@target-uri (or @path and @authority)")
    if has_body and "content-digest" not in covered:
        missing.append("content-digest")
    if missing:
        raise WeakSignature(f"not signed: {', '.join(missing)}")


def _check_params(signature_input: _Input, now: datetime | None, max_skew: float) -> datetime:
    params = signature_input.params
    if not isinstance(params.get("keyid"), str) or not params["keyid"]:
        raise MalformedSignature("Signature-Input has no keyid")
    if params.get("alg", ALGORITHM) != ALGORITHM:
        raise MalformedSignature(f"unsupported algorithm {params['alg']!r}")
    if not isinstance(params.get("created"), int):
        raise MalformedSignature("Signature-Input has no created time")
    try:
        signed_at = datetime.fromtimestamp(params["created"], UTC)
    except (OverflowError, OSError, ValueError):  # beyond the years a datetime holds
        raise StaleSignature(f"created={params['created']} is out of any window") from None
    check_window(signed_at, now, max_skew)
    if (
        isinstance(params.get("expires"), int)
        and params["expires"] < (now or datetime.now(UTC)).timestamp()
    ):
        raise StaleSignature("the signature has expired")
    return signed_at


def _check_content_digest(header: str | None, body: bytes) -> None:
    if header is None:
        raise MissingDigest("the request has a body but no Content-Digest header")
    match = _SHA256.search(header)
    if not match:
        raise MissingDigest("Content-Digest has no sha-256 value")
    expected = content_digest(body)[len("sha-256=:") : -1]
    if not hmac.compare_digest(match[1], expected):
        raise DigestMismatch("Content-Digest does not match the body")


def verify(
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
    """Check an RFC 9421 signature; raise a ``SignatureError`` subclass if it fails."""
    given = lower_headers(headers)
    if "signature-input" not in given or "signature" not in given:
        raise MissingSignature("the request carries no Signature-Input and Signature")
    signature_input = _parse_input(given["signature-input"])
    has_body = bool(body) or method.upper() == "POST"
    _check_covered(signature_input, has_body)
    signed_at = _check_params(signature_input, now, max_skew)
    if has_body:
        _check_content_digest(given.get("content-digest"), body or b"")
    host = given.get("host")
    if not host:
        raise MalformedSignature("the request has no Host header")
    message = _Message(method.upper(), f"{scheme}://{host}{path_with_query}", given)

    def check(public_pem: str) -> bool:
        verifier = HTTPMessageVerifier(
            signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=_OneKey(public_pem)
        )
        try:
            # The window was checked above against our clock (``now``), not the library's.
            verifier.verify(message, max_age=None)
        except HTTPMessageSignaturesException:
            return False
        return True

    key_id = str(signature_input.params["keyid"])
    check_with_rotation(key_id, public_key_for, check)
    return VerifiedSignature(key_id, "rfc9421", signature_input.components, signed_at)
