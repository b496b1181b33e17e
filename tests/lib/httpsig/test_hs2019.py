"""hs2019 (what newer servers send) means RSA-SHA256 PKCS#1 v1.5 with an RSA key, as in
Mastodon; header names arrive in any case."""

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from rathaus.lib.httpsig import BadSignature, generate_key_pair, verify

KEY_ID = "https://gts.example/users/bea/main-key"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BODY = b'{"type":"Like"}'
DIGEST = "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode()


def _rsa_sha256(private_pem: str, message: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(
        key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    ).decode()


def _request(private_pem, algorithm_param):
    message = (
        "(request-target): post /users/anna/inbox\n"
        "host: social.example\n"
        "date: Mon, 23 Nov 2026 10:00:00 GMT\n"
        f"digest: {DIGEST}"
    )
    return {
        "HOST": "social.example",
        "dAtE": "Mon, 23 Nov 2026 10:00:00 GMT",
        "Digest": DIGEST,
        "SIGNATURE": (
            f'keyId="{KEY_ID}",{algorithm_param}'
            'headers="(request-target) Host Date Digest",'
            f'signature="{_rsa_sha256(private_pem, message)}"'
        ),
    }


def _verify(headers, public_pem):
    return verify(
        "POST",
        "/users/anna/inbox",
        headers,
        BODY,
        public_key_for=lambda key_id, refresh=False: public_pem,
        now=NOW,
    )


def test_hs2019_is_verified_as_rsa_sha256(keys):
    result = _verify(_request(keys[0], 'algorithm="hs2019",'), keys[1])
    assert result.key_id == KEY_ID
    assert result.covered == ("(request-target)", "host", "date", "digest")


def test_missing_algorithm_defaults_to_hs2019(keys):
    assert _verify(_request(keys[0], ""), keys[1]).key_id == KEY_ID


def test_hs2019_with_the_wrong_key_fails(keys):
    with pytest.raises(BadSignature):
        _verify(_request(keys[0], 'algorithm="hs2019",'), generate_key_pair()[1])


def test_non_rsa_key_is_not_accepted(keys):
    from cryptography.hazmat.primitives.asymmetric import ed25519

    ed_public = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with pytest.raises(BadSignature):
        _verify(_request(keys[0], 'algorithm="hs2019",'), ed_public)
