"""The inbox takes only what a verified key signed: everything else is refused with 401,
unreadable bodies with 400, and nothing of a refused request is kept."""

import json

import pytest
from django.utils.timezone import now

from rathaus.federation.models import Follower, IncomingRequest, KeyFetch
from tests.helpers import CITIZEN


@pytest.fixture
def follow(account):
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{CITIZEN}#follows/1",
        "type": "Follow",
        "actor": CITIZEN,
        "object": "http://rathaus.example/ap/presse",
    }


pytestmark = pytest.mark.usefixtures("federation_over_http")


def test_it_accepts_a_signed_follow(deliver, citizen, follow):
    response = deliver("/ap/inbox", follow)
    assert response.status_code == 202
    assert Follower.objects.filter(actor=citizen).count() == 1


def test_it_accepts_the_same_at_the_accounts_own_inbox(deliver, citizen, follow):
    assert deliver("/ap/presse/inbox", follow).status_code == 202
    assert Follower.objects.count() == 1


def test_it_refuses_an_unsigned_request(client, citizen, follow):
    response = client.post(
        "/ap/inbox", data=json.dumps(follow), content_type="application/activity+json"
    )
    assert response.status_code == 401
    assert b"MissingSignature" in response.content
    assert not Follower.objects.exists()


def test_it_refuses_a_body_changed_after_signing(client, citizen, follow, signing_keys):
    from rathaus.lib.httpsig import sign

    raw = json.dumps(follow).encode()
    signed = sign(
        "POST",
        "http://testserver/ap/inbox",
        {"Content-Type": "application/activity+json"},
        raw,
        key_id=f"{CITIZEN}#main-key",
        private_pem=signing_keys[0],
    )
    forged = raw.replace(b"follows/1", b"follows/2")
    response = client.post(
        "/ap/inbox",
        data=forged,
        content_type="application/activity+json",
        headers=signed,
    )
    assert response.status_code == 401
    assert b"DigestMismatch" in response.content
    assert not Follower.objects.exists()


def test_it_refuses_an_activity_in_someone_elses_name(deliver, citizen, follow):
    follow["actor"] = "https://social.example/users/bert"
    response = deliver("/ap/inbox", follow)
    assert response.status_code == 401
    assert b"NotTheSigner" in response.content
    assert not Follower.objects.exists()


def test_it_refuses_a_key_nobody_can_fetch(deliver, citizen, follow, settings):
    # A loopback address off the allow-list: refused before any connection is made. The key
    # is fetched by a worker, not in the request (202); the worker drops the request.
    settings.FEDERATION_PRIVATE_HOSTS = []
    response = deliver("/ap/inbox", follow, key_id="http://127.0.0.1:9/users/x#main-key")
    assert response.status_code == 202
    assert not Follower.objects.exists()
    assert not IncomingRequest.objects.exists()


def test_it_refuses_a_signature_by_another_key(client, citizen, follow):
    from rathaus.lib.httpsig import generate_key_pair, sign

    # The key was refetched a moment ago, so the stored one is all there is: refused at
    # once. (Otherwise a worker refetches it first: tests/security/test_federation_inbox_async.)
    KeyFetch.objects.create(key_id=citizen.key_id, host="social.example", fetched_at=now())

    stranger_private, _public = generate_key_pair()
    raw = json.dumps(follow).encode()
    signed = sign(
        "POST",
        "http://testserver/ap/inbox",
        {"Content-Type": "application/activity+json"},
        raw,
        key_id=f"{CITIZEN}#main-key",
        private_pem=stranger_private,
    )
    response = client.post(
        "/ap/inbox",
        data=raw,
        content_type="application/activity+json",
        headers=signed,
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", b"not JSON"),
        (b"[1, 2]", b"not an activity"),
        (b'{"id": "x"}', b"not an activity"),
        (b"{" + b" " * (1024 * 1024) + b"}", b"larger than"),
    ],
)
def test_it_answers_400_to_an_unreadable_body(deliver, citizen, account, body, reason):
    response = deliver("/ap/inbox", {}, body=body)
    assert response.status_code == 400
    assert reason in response.content


def test_it_answers_404_for_an_unknown_accounts_inbox(deliver, citizen, follow):
    assert deliver("/ap/nobody/inbox", follow).status_code == 404


def test_it_answers_405_to_a_get(client, account):
    assert client.get("/ap/inbox").status_code == 405


def test_it_ignores_an_unknown_type_with_202(deliver, citizen, account):
    activity = {"id": f"{CITIZEN}#x", "type": "Listen", "actor": CITIZEN, "object": "x"}
    assert deliver("/ap/inbox", activity).status_code == 202


def test_it_answers_202_to_a_deleted_account_it_never_knew(client, account):
    # Unsigned on purpose: the key of a deleted account cannot be fetched any more.
    gone = "https://social.example/users/gone"
    activity = {"id": f"{gone}#delete", "type": "Delete", "actor": gone, "object": gone}
    response = client.post(
        "/ap/inbox", data=json.dumps(activity), content_type="application/activity+json"
    )
    assert response.status_code == 202
