"""A body needs a signed SHA-256 Digest; every request must sign target, host and date."""

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from rathaus.lib.httpsig import (
    MissingDigest,
    WeakSignature,
    sign,
    verify,
)

KEY_ID = "https://presse.mitte.example/@mitte#main-key"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BODY = b'{"type":"Follow"}'
BASE = {
    "(request-target)": "post /inbox",
    "host": "social.example",
    "date": "Mon, 23 Nov 2026 10:00:00 GMT",
    "digest": "SHA-256=" + base64.b64encode(hashlib.sha256(BODY).digest()).decode(),
}


def _hand_signed(private_pem, names, values=BASE):
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    message = "\n".join(f"{name}: {values[name]}" for name in names).encode()
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256()))
    headers = {name: value for name, value in values.items() if not name.startswith("(")}
    headers["signature"] = (
        f'keyId="{KEY_ID}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{signature.decode()}"'
    )
    return headers


def _verify(headers, keys, body=BODY):
    return verify(
        "POST",
        "/inbox",
        headers,
        body,
        public_key_for=lambda key_id, refresh=False: keys[1],
        now=NOW,
    )


def test_all_required_headers_signed_is_accepted(keys):
    names = ["(request-target)", "host", "date", "digest"]
    assert _verify(_hand_signed(keys[0], names), keys).key_id == KEY_ID


@pytest.mark.parametrize("unsigned", ["(request-target)", "host", "date", "digest"])
def test_each_required_header_must_be_signed(keys, unsigned):
    names = [name for name in BASE if name != unsigned]
    with pytest.raises(WeakSignature, match=unsigned.replace("(", r"\(").replace(")", r"\)")):
        _verify(_hand_signed(keys[0], names), keys)


def test_signature_without_headers_list_covers_only_date(keys):
    headers = _hand_signed(keys[0], ["date"])
    headers["signature"] = headers["signature"].replace(',headers="date"', "")
    with pytest.raises(WeakSignature):
        _verify(headers, keys)


def test_body_without_digest_header_is_rejected(keys):
    headers = sign(
        "POST",
        "https://social.example/inbox",
        {},
        BODY,
        key_id=KEY_ID,
        private_pem=keys[0],
        now=NOW,
    )
    del headers["Digest"]
    with pytest.raises(MissingDigest):
        _verify(headers, keys)


def test_digest_without_sha256_is_rejected(keys):
    values = BASE | {
        "digest": "SHA-512=" + base64.b64encode(hashlib.sha512(BODY).digest()).decode()
    }
    headers = _hand_signed(keys[0], list(BASE), values)
    with pytest.raises(MissingDigest, match="SHA-256"):
        _verify(headers, keys)


def test_digest_algorithm_name_is_case_insensitive_and_may_list_several(keys):
    sha256 = BASE["digest"].split("=", 1)[1]
    sha512 = base64.b64encode(hashlib.sha512(BODY).digest()).decode()
    values = BASE | {"digest": f"SHA-512={sha512}, sha-256={sha256}"}
    assert _verify(_hand_signed(keys[0], list(BASE), values), keys)


def test_post_with_empty_body_still_needs_a_signed_digest(keys):
    names = ["(request-target)", "host", "date"]
    with pytest.raises(WeakSignature, match="digest"):
        _verify(_hand_signed(keys[0], names), keys, body=b"")
