"""A signature only vouches for what it covers: any change after signing is rejected."""

import pytest

from rathaus.lib.httpsig import (
    BadSignature,
    DigestMismatch,
    MalformedSignature,
    MissingSignature,
    UnknownKey,
    generate_key_pair,
    sign,
    verify,
)
from tests.helpers import SIGNING_KEY_ID

INBOX = "https://social.example/users/anna/inbox"
BODY = b'{"type":"Create"}'


@pytest.fixture
def signed(signing_keys):
    headers = {"Content-Type": "application/activity+json"}
    return headers | sign(
        "POST", INBOX, headers, BODY, key_id=SIGNING_KEY_ID, private_pem=signing_keys[0]
    )


def _verify(headers, key_lookup, *, path="/users/anna/inbox", body=BODY, method="POST"):
    return verify(method, path, headers, body, public_key_for=key_lookup)


def test_changed_body_fails_the_digest(signed, key_lookup):
    with pytest.raises(DigestMismatch):
        _verify(signed, key_lookup, body=b'{"type":"Delete"}')


def test_changed_body_with_matching_new_digest_fails_the_signature(
    signing_keys, signed, key_lookup
):
    forged_body = b'{"type":"Delete"}'
    forged = sign(
        "POST", INBOX, {}, forged_body, key_id=SIGNING_KEY_ID, private_pem=signing_keys[0]
    )
    with pytest.raises(BadSignature):
        _verify(signed | {"Digest": forged["Digest"]}, key_lookup, body=forged_body)


def test_changed_signed_header_fails(signed, key_lookup):
    with pytest.raises(BadSignature):
        _verify(signed | {"Content-Type": "text/plain"}, key_lookup)


def test_changed_path_fails(signed, key_lookup):
    with pytest.raises(BadSignature):
        _verify(signed, key_lookup, path="/users/bert/inbox")


def test_changed_method_fails(signing_keys, key_lookup):
    headers = sign("GET", INBOX, {}, None, key_id=SIGNING_KEY_ID, private_pem=signing_keys[0])
    with pytest.raises(BadSignature):
        _verify(headers, key_lookup, method="DELETE", body=None)


def test_signature_from_another_key_fails(signed):
    other_public = generate_key_pair()[1]
    with pytest.raises(BadSignature):
        _verify(signed, lambda key_id, refresh=False: other_public)


def test_unknown_key_is_named(signed):
    with pytest.raises(UnknownKey, match="main-key"):
        _verify(signed, lambda key_id, refresh=False: None)


def test_missing_signature(key_lookup):
    with pytest.raises(MissingSignature):
        _verify({"Host": "social.example", "Date": "Mon, 23 Nov 2026 10:00:00 GMT"}, key_lookup)


def test_garbled_signature_header(signed, key_lookup):
    with pytest.raises(MalformedSignature):
        _verify(signed | {"Signature": 'keyId="x",signature="a" "b"'}, key_lookup)


def test_unsupported_algorithm(signed, key_lookup):
    signature = signed["Signature"].replace("rsa-sha256", "rsa-sha512")
    with pytest.raises(MalformedSignature, match="algorithm"):
        _verify(signed | {"Signature": signature}, key_lookup)


def test_signed_date_header_removed(signed, key_lookup):
    del signed["Date"]
    with pytest.raises(MalformedSignature, match="Date"):
        _verify(signed, key_lookup)
