"""Requests built by hand exactly as Mastodon documents and sends them
(docs.joinmastodon.org/spec/security, app/lib/request.rb), independent of our sign()."""

import base64
import hashlib
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from rathaus.lib.httpsig import verify

KEY_ID = "https://my-example.com/actor#main-key"


def _openssl_style_sign(private_pem: str, signing_string: str) -> str:
    # Mastodon: Base64.strict_encode64(keypair.sign(OpenSSL::Digest.new('SHA256'), string))
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    signed = key.sign(signing_string.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signed).decode()


def _lookup(keys):
    return lambda key_id, refresh=False: keys[1] if key_id == KEY_ID else None


def test_documented_post_to_an_inbox(keys):
    body = b'{"@context":"https://www.w3.org/ns/activitystreams","type":"Create"}'
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    signing_string = (
        "(request-target): post /users/username/inbox\n"
        "host: mastodon.example\n"
        "date: 18 Dec 2019 10:08:46 GMT\n"
        f"digest: {digest}"
    )
    headers = {
        "Host": "mastodon.example",
        "Date": "18 Dec 2019 10:08:46 GMT",
        "Digest": digest,
        "Content-Type": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
        # The documented example has no algorithm parameter.
        "Signature": (
            f'keyId="{KEY_ID}",headers="(request-target) host date digest",'
            f'signature="{_openssl_style_sign(keys[0], signing_string)}"'
        ),
    }
    result = verify(
        "POST",
        "/users/username/inbox",
        headers,
        body,
        public_key_for=_lookup(keys),
        now=datetime(2019, 12, 18, 10, 30, tzinfo=UTC),
    )
    assert result.key_id == KEY_ID


def test_mastodon_outgoing_post_with_content_type(keys):
    body = b'{"type":"Follow"}'
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    date = "Mon, 23 Nov 2026 10:00:00 GMT"
    content_type = "application/activity+json"
    signing_string = (
        f"(request-target): post /inbox\nhost: presse.mitte.example\ndate: {date}\n"
        f"digest: {digest}\ncontent-type: {content_type}"
    )
    headers = {
        "Host": "presse.mitte.example",
        "Date": date,
        "Digest": digest,
        "Content-Type": content_type,
        "Signature": (
            f'keyId="{KEY_ID}",algorithm="rsa-sha256",'
            'headers="(request-target) host date digest content-type",'
            f'signature="{_openssl_style_sign(keys[0], signing_string)}"'
        ),
    }
    result = verify(
        "POST",
        "/inbox",
        headers,
        body,
        public_key_for=_lookup(keys),
        now=datetime(2026, 11, 23, 10, 0, 5, tzinfo=UTC),
    )
    assert result.covered[-1] == "content-type"


def test_get_signed_over_the_path_without_its_query(keys):
    # Some servers leave the query string out of (request-target); accept that spelling too.
    date = "Mon, 23 Nov 2026 10:00:00 GMT"
    signing_string = (
        f"(request-target): get /@mitte/outbox\nhost: presse.mitte.example\ndate: {date}"
    )
    headers = {
        "host": "presse.mitte.example",
        "date": date,
        "signature": (
            f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date",'
            f'signature="{_openssl_style_sign(keys[0], signing_string)}"'
        ),
    }
    result = verify(
        "GET",
        "/@mitte/outbox?page=2",
        headers,
        None,
        public_key_for=_lookup(keys),
        now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    )
    assert result.key_id == KEY_ID
