"""RFC 9421 signatures with Content-Digest, as Mastodon 4.5 accepts them."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from rathaus.lib import rfc9421
from rathaus.lib.httpsig import (
    BadSignature,
    DigestMismatch,
    MalformedSignature,
    MissingDigest,
    MissingSignature,
    StaleSignature,
    WeakSignature,
    generate_key_pair,
    verify_any,
)

KEY_ID = "https://social.example/users/anna#main-key"
URL = "https://presse.mitte.example:8443/@mitte/inbox"
PATH = "/@mitte/inbox"
BODY = b'{"type":"Follow"}'
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CONTENT_DIGEST = "sha-256=:" + base64.b64encode(hashlib.sha256(BODY).digest()).decode() + ":"


def _signed(keys, method="POST", body=BODY, **options):
    headers = {"Host": "presse.mitte.example:8443"}
    return headers | rfc9421.sign(
        method, URL, headers, body, key_id=KEY_ID, private_pem=keys[0], now=NOW, **options
    )


def _verify(headers, keys, *, method="POST", path=PATH, body=BODY, now=NOW, lookup=None):
    return verify_any(
        method,
        path,
        headers,
        body,
        public_key_for=lookup or (lambda key_id, refresh=False: keys[1]),
        now=now,
    )


def _hand_signed(private_pem, components, values, params):
    """Signature base built by hand from RFC 9421 section 2.5, not by any library."""
    inner = "(" + " ".join(f'"{name}"' for name in components) + ")" + params
    base = "".join(f'"{name}": {values[name]}\n' for name in components)
    base += f'"@signature-params": {inner}'
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    signature = key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "Host": "presse.mitte.example:8443",
        "Content-Digest": values.get("content-digest", CONTENT_DIGEST),
        "Signature-Input": f"sig1={inner}",
        "Signature": f"sig1=:{base64.b64encode(signature).decode()}:",
    }


HAND_VALUES = {"@method": "POST", "@target-uri": URL, "content-digest": CONTENT_DIGEST}
HAND_PARAMS = f';created={int(NOW.timestamp())};keyid="{KEY_ID}"'


def test_post_round_trip_covers_method_target_and_digest(keys):
    headers = _signed(keys)
    assert headers["Content-Digest"] == CONTENT_DIGEST
    assert headers["Signature-Input"].startswith(
        'sig1=("@method" "@target-uri" "content-digest");created='
    )
    result = _verify(headers, keys)
    assert (result.scheme, result.key_id, result.signed_at) == ("rfc9421", KEY_ID, NOW)


def test_get_with_path_and_authority(keys):
    headers = _signed(keys, method="GET", body=None, components=("@method", "@path", "@authority"))
    assert "Content-Digest" not in headers
    assert _verify(headers, keys, method="GET", body=None).covered == (
        "@method",
        "@path",
        "@authority",
    )


def test_hand_built_mastodon_style_signature_verifies(keys):
    headers = _hand_signed(keys[0], list(HAND_VALUES), HAND_VALUES, HAND_PARAMS)
    assert _verify(headers, keys).key_id == KEY_ID


def test_tampered_body_is_rejected(keys):
    with pytest.raises(DigestMismatch):
        _verify(_signed(keys), keys, body=b'{"type":"Undo"}')


def test_tampered_digest_and_body_is_rejected(keys):
    forged = b'{"type":"Undo"}'
    digest = "sha-256=:" + base64.b64encode(hashlib.sha256(forged).digest()).decode() + ":"
    with pytest.raises(BadSignature):
        _verify(_signed(keys) | {"Content-Digest": digest}, keys, body=forged)


def test_tampered_path_and_authority_are_rejected(keys):
    with pytest.raises(BadSignature):
        _verify(_signed(keys), keys, path="/@nord/inbox")
    with pytest.raises(BadSignature):
        _verify(_signed(keys) | {"Host": "presse.mitte.example"}, keys)


def test_created_outside_the_window_is_rejected(keys):
    with pytest.raises(StaleSignature):
        _verify(_signed(keys), keys, now=NOW + timedelta(hours=2))
    with pytest.raises(StaleSignature):
        _verify(_signed(keys), keys, now=NOW - timedelta(hours=2))


def test_body_digest_must_be_covered(keys):
    components = ["@method", "@target-uri"]
    headers = _hand_signed(keys[0], components, HAND_VALUES, HAND_PARAMS)
    with pytest.raises(WeakSignature, match="content-digest"):
        _verify(headers, keys)


def test_method_and_target_must_be_covered(keys):
    headers = _hand_signed(keys[0], ["content-digest"], HAND_VALUES, HAND_PARAMS)
    with pytest.raises(WeakSignature, match="@method"):
        _verify(headers, keys)


def test_body_without_content_digest_is_rejected(keys):
    headers = _signed(keys)
    del headers["Content-Digest"]
    with pytest.raises(MissingDigest):
        _verify(headers, keys)


def test_created_and_keyid_are_required(keys):
    no_created = _hand_signed(keys[0], list(HAND_VALUES), HAND_VALUES, f';keyid="{KEY_ID}"')
    with pytest.raises(MalformedSignature, match="created"):
        _verify(no_created, keys)
    no_keyid = _hand_signed(keys[0], list(HAND_VALUES), HAND_VALUES, ";created=1795428000")
    with pytest.raises(MalformedSignature, match="keyid"):
        _verify(no_keyid, keys)


def test_other_algorithms_are_rejected(keys):
    params = HAND_PARAMS + ';alg="rsa-pss-sha512"'
    with pytest.raises(MalformedSignature, match="algorithm"):
        _verify(_hand_signed(keys[0], list(HAND_VALUES), HAND_VALUES, params), keys)


def test_only_one_signature_per_request(keys):
    headers = _signed(keys)
    headers["Signature-Input"] += ", " + headers["Signature-Input"].replace("sig1=", "sig2=")
    with pytest.raises(MalformedSignature, match="one signature"):
        _verify(headers, keys)


def test_signature_header_missing(keys):
    headers = _signed(keys)
    del headers["Signature"]
    with pytest.raises(MissingSignature):
        rfc9421.verify(
            "POST", PATH, headers, BODY, public_key_for=lambda key_id, refresh=False: keys[1]
        )


def test_rotated_key_is_refetched(keys):
    calls = []
    stale = generate_key_pair()[1]

    def lookup(key_id, refresh=False):
        calls.append(refresh)
        return keys[1] if refresh else stale

    assert _verify(_signed(keys), keys, lookup=lookup).key_id == KEY_ID
    assert calls == [False, True]
