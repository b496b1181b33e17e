"""A Follow signed with RFC 9421 HTTP Message Signatures and Content-Digest, as Mastodon 4.5
sends it, is accepted by the inbox: no draft-cavage Signature, Digest or Date header at all."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from rathaus.federation.models import Follower, IncomingRequest, RemoteActor
from rathaus.lib import rfc9421
from tests.federation.interop import OUR_HOST, SOFTWARES, Remote, Software
from tests.fediverse_server import FediverseServer

MASTODON: Software = next(software for software in SOFTWARES if software.name == "mastodon")
INBOX = "/ap/presse/inbox"
# Behind the TLS proxy the request arrives as https; the signature covers the full URI.
TARGET = f"https://{OUR_HOST}{INBOX}"


pytestmark = pytest.mark.usefixtures("loopback_federation")


@pytest.fixture
def anna(client, signing_keys, account, published):
    with FediverseServer() as server:
        yield Remote(MASTODON, server, client, signing_keys, account, published)


def _content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def _mastodon_headers(body: bytes, key_id: str, private_pem: str, target: str = TARGET) -> dict:
    """The signature base built by hand (RFC 9421 §2.5) with exactly Mastodon's parameters:
    created and keyid, no alg."""
    digest = _content_digest(body)
    params = f';created={int(datetime.now(UTC).timestamp())};keyid="{key_id}"'
    inner = '("@method" "@target-uri" "content-digest")' + params
    base = (
        '"@method": POST\n'
        f'"@target-uri": {target}\n'
        f'"content-digest": {digest}\n'
        f'"@signature-params": {inner}'
    )
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    signature = key.sign(base.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {
        "Host": OUR_HOST,
        "Content-Digest": digest,
        "Signature-Input": f"sig1={inner}",
        "Signature": f"sig1=:{base64.b64encode(signature).decode()}:",
    }


def _post(client, body: bytes, headers: dict):
    return client.post(
        INBOX, data=body, content_type="application/activity+json", headers=headers, secure=True
    )


def test_a_follow_signed_as_mastodon_4_5_signs_is_accepted(client, anna, account):
    follow = anna.payload("follow")
    body = json.dumps(follow).encode()

    response = _post(client, body, _mastodon_headers(body, anna.key_id, anna.private_pem))

    assert response.status_code == 202
    assert Follower.objects.get().follow_id == follow["id"]
    assert RemoteActor.objects.get().key_id == anna.key_id
    assert [r.path for r in anna.gets()] == [MASTODON.actor_path]


def test_a_follow_signed_with_our_rfc9421_signer_is_accepted(client, anna):
    body = json.dumps(anna.payload("follow")).encode()
    headers = {"Host": OUR_HOST, "Content-Type": "application/activity+json"}
    signed = rfc9421.sign(
        "POST", TARGET, headers, body, key_id=anna.key_id, private_pem=anna.private_pem
    )
    assert signed["Signature-Input"].startswith(
        'sig1=("@method" "@target-uri" "content-digest");created='
    )
    assert signed["Content-Digest"] == _content_digest(body)

    assert _post(client, body, {"Host": OUR_HOST} | signed).status_code == 202
    assert Follower.objects.exists()


def test_a_signature_for_another_inbox_is_refused(client, anna, caplog):
    body = json.dumps(anna.payload("follow")).encode()
    elsewhere = f"https://{OUR_HOST}/ap/inbox"
    headers = _mastodon_headers(body, anna.key_id, anna.private_pem, target=elsewhere)

    response = _post(client, body, headers)

    # Failing with the stored key, it is checked again by a worker with a refetched key
    # (202), and refused there.
    assert response.status_code == 202
    assert "refused: BadSignature" in caplog.text
    assert not Follower.objects.exists()
    assert not IncomingRequest.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, anna):
    body = json.dumps(anna.payload("follow")).encode()
    headers = _mastodon_headers(body, anna.key_id, anna.private_pem)
    forged = body.replace(b'"Follow"', b'"Block"')

    response = _post(client, forged, headers)

    assert response.status_code == 401
    assert b"DigestMismatch" in response.content
    assert not Follower.objects.exists()
