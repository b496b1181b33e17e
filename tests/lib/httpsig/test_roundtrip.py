"""draft-cavage signatures: what sign() writes is what verify() accepts, in Mastodon's format."""

import base64
import hashlib
import re
from email.utils import parsedate_to_datetime

from rathaus.lib.httpsig import sign, verify, verify_any
from tests.helpers import SIGNING_KEY_ID

INBOX = "https://social.example/users/anna/inbox"
BODY = b'{"type":"Create","actor":"https://presse.mitte.example/@mitte"}'


def _post(signing_keys, url=INBOX, body=BODY):
    headers = {"Content-Type": "application/activity+json"}
    headers |= sign("POST", url, headers, body, key_id=SIGNING_KEY_ID, private_pem=signing_keys[0])
    return headers


def test_post_carries_date_digest_host_and_signature(signing_keys):
    headers = _post(signing_keys)
    assert headers["Host"] == "social.example"
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", headers["Date"])
    assert parsedate_to_datetime(headers["Date"]).tzinfo is not None
    expected = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    assert headers["Digest"] == f"SHA-256={expected}"
    assert headers["Signature"].startswith(
        f'keyId="{SIGNING_KEY_ID}",algorithm="rsa-sha256",'
        'headers="(request-target) host date digest content-type",signature="'
    )


def test_signed_post_verifies(signing_keys, key_lookup):
    result = verify(
        "POST", "/users/anna/inbox", _post(signing_keys), BODY, public_key_for=key_lookup
    )
    assert result.key_id == SIGNING_KEY_ID
    assert result.scheme == "cavage"
    assert "digest" in result.covered


def test_get_without_body_signs_accept_but_no_digest(signing_keys, key_lookup):
    headers = {"Accept": "application/activity+json"}
    url = "https://social.example/users/anna/outbox?page=true"
    headers |= sign("GET", url, headers, None, key_id=SIGNING_KEY_ID, private_pem=signing_keys[0])
    assert "Digest" not in headers
    assert 'headers="(request-target) host date accept"' in headers["Signature"]
    result = verify("GET", "/users/anna/outbox?page=true", headers, None, public_key_for=key_lookup)
    assert result.covered == ("(request-target)", "host", "date", "accept")


def test_get_without_accept_signs_the_three_required_headers(signing_keys, key_lookup):
    headers = sign("GET", INBOX, {}, None, key_id=SIGNING_KEY_ID, private_pem=signing_keys[0])
    assert 'headers="(request-target) host date"' in headers["Signature"]
    verify("GET", "/users/anna/inbox", headers, b"", public_key_for=key_lookup)


def test_existing_date_is_kept(signing_keys):
    date = "Mon, 23 Nov 2026 10:00:00 GMT"
    added = sign(
        "GET", INBOX, {"date": date}, None, key_id=SIGNING_KEY_ID, private_pem=signing_keys[0]
    )
    assert added["Date"] == date


def test_verify_any_picks_the_draft_scheme(signing_keys, key_lookup):
    result = verify_any(
        "POST", "/users/anna/inbox", _post(signing_keys), BODY, public_key_for=key_lookup
    )
    assert result.scheme == "cavage"
